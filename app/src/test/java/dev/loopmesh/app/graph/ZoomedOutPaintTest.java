package dev.loopmesh.app.graph;

import javafx.scene.canvas.Canvas;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import static org.assertj.core.api.Assertions.assertThat;

/** Zoomed far out, the whole picture goes into the dot layer's pixels, so the canvas under it can stay hidden. */
@ExtendWith(ApplicationExtension.class)
class ZoomedOutPaintTest {
    private CanvasPalette palette;

    @Start
    void start(Stage stage) {
        palette = PaletteStage.show(stage);
    }

    @Test
    void farOutTheBoxesAreDrawnIntoTheDotLayerAndTheCanvasStaysEmptyWhileCloseUpTheyAreOnTheCanvas() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            palette.applyCss();
            GraphViewModel vm = new GraphViewModel();
            vm.showMesh(dev.loopmesh.app.perf.PerfReport.generated(8).mesh());
            GraphPainter painter = new GraphPainter(vm, palette);
            DotLayer dots = new DotLayer();
            double scale = 0.2;
            GraphLayout layout = vm.layout();
            int w = (int) Math.ceil(layout.width() * scale);
            int h = (int) Math.ceil(layout.height() * scale);
            dots.place(0, 0, w, h);
            Canvas base = new Canvas(w, h);
            Canvas chips = new Canvas(w, h);

            painter.paintStatic(base.getGraphicsContext2D(), chips.getGraphicsContext2D(), dots, w, h, scale, 0, 0);

            assertThat(painter.drewOnCanvas()).isFalse();
            GraphLayout.Node node = layout.node("s2-7").orElseThrow();
            int fill = Particles.argb(palette.color("node-fill"));
            // inside the box, in its header above the version rows: the box's own fill
            int x = (int) Math.round((node.x() + node.w() / 2) * scale);
            int y = (int) Math.round((node.y() + GraphLayout.HEADER / 2) * scale);
            assertThat(dots.pixel(x, y)).isEqualTo(fill);
            assertThat(dots.pixel(0, 0)).isZero();

            painter.paintStatic(base.getGraphicsContext2D(), chips.getGraphicsContext2D(), dots, w, h, 1, 0, 0);

            assertThat(painter.drewOnCanvas()).isTrue();
            assertThat(dots.pixel(x, y)).isZero();
            return null;
        }).get();
    }
}
