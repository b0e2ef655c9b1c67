package dev.loopmesh.app;

import dev.loopmesh.MeshOptions;
import dev.loopmesh.app.common.EngineMeshSource;
import dev.loopmesh.app.common.MeshSource;
import dev.loopmesh.app.common.MeshWiring;
import dev.loopmesh.app.common.Screenshots;
import dev.loopmesh.app.shell.MainView;
import dev.loopmesh.app.shell.MainViewModel;
import dev.loopmesh.app.shell.MeshState;
import dev.loopmesh.cli.DesktopOpener;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import javafx.util.Duration;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The desktop app: what {@code loopmesh} opens with no verb (found by the CLI through ServiceLoader).
 * Starts the JavaFX runtime without an {@code Application} subclass, so it runs from a plain classpath.
 */
public final class DesktopApp implements DesktopOpener {
    static final String STYLESHEET = "/dev/loopmesh/app/loopmesh.css";
    private static final long START_TIMEOUT_MILLIS = 60_000;

    @Override
    public int open(List<Path> files, DesktopOptions options) {
        MeshOptions mesh = new MeshOptions(options.ingressPort(), options.adminPort(), options.traffic(), null, 1);
        return open(new EngineMeshSource(MeshWiring.DEFAULT, mesh), files, options);
    }

    /** Opens the window on meshes from {@code source}; blocks until it closes and returns the exit code. */
    public int open(MeshSource source, List<Path> files, DesktopOptions options) {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        startFx();
        Platform.setImplicitExit(false);
        Platform.runLater(() -> {
            try {
                show(new Stage(), source, files, options, exit);
            } catch (RuntimeException e) {
                exit.completeExceptionally(e);
            }
        });
        try {
            return exit.join();
        } finally {
            Platform.exit();
        }
    }

    private static void startFx() {
        try {
            Platform.startup(() -> { });
        } catch (IllegalStateException alreadyRunning) {
            // a second window in the same JVM, or tests: the toolkit is up
        }
    }

    /** Builds the window on {@code stage}; used by {@link #open} and by UI tests. */
    public static MainViewModel createWindow(Stage stage, MeshSource source, List<Path> files) {
        MainViewModel vm = new MainViewModel(source, files, Platform::runLater);
        Scene scene = new Scene(new MainView(vm), 1480, 920);
        scene.getStylesheets().add(Objects.requireNonNull(DesktopApp.class.getResource(STYLESHEET), STYLESHEET).toExternalForm());
        stage.setScene(scene);
        stage.titleProperty().bind(vm.meshNameProperty().map(n -> "Loopmesh — " + n));
        return vm;
    }

    private static void show(Stage stage, MeshSource source, List<Path> files, DesktopOptions options,
                             CompletableFuture<Integer> exit) {
        MainViewModel vm = createWindow(stage, source, files);
        stage.setOnHidden(e -> {
            Thread closer = new Thread(() -> {
                vm.close();
                exit.complete(0);
            }, "loopmesh-close");
            closer.start();
        });
        if (options.screenshot() != null) {
            screenshotWhenRunning(stage, vm, options, exit);
        }
        stage.show();
        vm.start();
    }

    private static void screenshotWhenRunning(Stage stage, MainViewModel vm, DesktopOptions options, CompletableFuture<Integer> exit) {
        PauseTransition giveUp = new PauseTransition(Duration.millis(START_TIMEOUT_MILLIS));
        giveUp.setOnFinished(e -> fail(stage, vm, exit, "the mesh did not start within " + START_TIMEOUT_MILLIS / 1000 + " s"));
        giveUp.play();
        vm.stateProperty().addListener((o, before, now) -> {
            if (now == MeshState.FAILED) {
                giveUp.stop();
                fail(stage, vm, exit, vm.messageProperty().get());
            } else if (now == MeshState.RUNNING) {
                giveUp.stop();
                PauseTransition wait = new PauseTransition(Duration.millis(Math.max(1, options.afterMillis())));
                wait.setOnFinished(x -> capture(stage, vm, options.screenshot(), exit));
                wait.play();
            }
        });
    }

    private static void capture(Stage stage, MainViewModel vm, Path file, CompletableFuture<Integer> exit) {
        BufferedImage image = Screenshots.toBufferedImage(stage.getScene().snapshot(null));
        Thread writer = new Thread(() -> {
            int code = 0;
            try {
                Screenshots.writePng(image, file);
                System.out.println("wrote " + file + " (" + image.getWidth() + "x" + image.getHeight() + ")");
            } catch (IOException e) {
                System.err.println("loopmesh: cannot write " + file + ": " + e.getMessage());
                code = 1;
            }
            vm.close();
            exit.complete(code);
        }, "loopmesh-screenshot");
        stage.setOnHidden(null);
        stage.hide();
        writer.start();
    }

    private static void fail(Stage stage, MainViewModel vm, CompletableFuture<Integer> exit, String why) {
        System.err.println("loopmesh: " + why);
        stage.setOnHidden(null);
        stage.hide();
        new Thread(() -> {
            vm.close();
            exit.complete(2);
        }, "loopmesh-close").start();
    }
}
