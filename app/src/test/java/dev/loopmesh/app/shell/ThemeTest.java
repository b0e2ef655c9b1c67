package dev.loopmesh.app.shell;

import dev.loopmesh.MeshOptions;
import dev.loopmesh.app.DesktopApp;
import dev.loopmesh.app.common.EngineMeshSource;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/** What the theme does to legibility, measured on rendered pixels (no mesh is started). */
@ExtendWith(ApplicationExtension.class)
class ThemeTest {
    /** WCAG AA for normal text. */
    static final double AA = 4.5;

    private MainViewModel vm;

    @Start
    void start(Stage stage) {
        vm = DesktopApp.createWindow(stage, new EngineMeshSource(new MainWindowTest.TestWiring(), new MeshOptions(0, -1, false, null, 1)),
                List.of());
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        vm.close();
        org.testfx.api.FxToolkit.cleanupStages();
    }

    private <T> T onFx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get();
    }

    @Test
    void toolbarPlaceholdersReadAtAaContrastInTheDarkAndTheLightTheme(FxRobot robot) throws Exception {
        for (String id : new String[] {"#probe-headers", "#graph-search"}) {
            TextField field = robot.lookup(id).queryAs(TextField.class);
            assertThat(field.getText()).isEmpty();
            assertThat(field.getPromptText()).isNotBlank();
            assertThat(onFx(() -> promptContrast(field))).as("dark theme, " + id).isGreaterThanOrEqualTo(AA);
        }

        robot.clickOn("#theme-toggle");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#theme-toggle").queryAs(ToggleButton.class).isSelected()).isTrue();

        for (String id : new String[] {"#probe-headers", "#graph-search"}) {
            TextField field = robot.lookup(id).queryAs(TextField.class);
            assertThat(onFx(() -> promptContrast(field))).as("light theme, " + id).isGreaterThanOrEqualTo(AA);
        }
    }

    @Test
    void aFocusedEmptyFieldKeepsItsPlaceholder(FxRobot robot) throws Exception {
        TextField field = robot.lookup("#probe-headers").queryAs(TextField.class);
        robot.clickOn(field);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(field.isFocused()).isTrue();

        assertThat(onFx(() -> promptContrast(field))).isGreaterThanOrEqualTo(AA);
    }

    /**
     * The contrast between the field's background (its most common colour inside the border) and the
     * pixel that differs from it most: the core of the placeholder's strokes.
     */
    static double promptContrast(TextField field) {
        WritableImage image = field.snapshot(null, null);
        PixelReader pixels = image.getPixelReader();
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
        for (int y = 3; y < h - 3; y++) {
            for (int x = 3; x < w - 3; x++) {
                counts.merge(pixels.getArgb(x, y), 1, Integer::sum);
            }
        }
        int background = counts.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).orElseThrow().getKey();
        double bg = luminance(Color.rgb(background >> 16 & 0xff, background >> 8 & 0xff, background & 0xff));
        double best = 1;
        for (int y = 3; y < h - 3; y++) {
            for (int x = 3; x < w - 3; x++) {
                int argb = pixels.getArgb(x, y);
                double l = luminance(Color.rgb(argb >> 16 & 0xff, argb >> 8 & 0xff, argb & 0xff));
                best = Math.max(best, (Math.max(l, bg) + 0.05) / (Math.min(l, bg) + 0.05));
            }
        }
        return best;
    }

    /** WCAG relative luminance. */
    static double luminance(Color c) {
        return 0.2126 * linear(c.getRed()) + 0.7152 * linear(c.getGreen()) + 0.0722 * linear(c.getBlue());
    }

    private static double linear(double v) {
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }
}
