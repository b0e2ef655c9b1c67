package dev.loopmesh.cli;

import java.nio.file.Path;
import java.util.List;

/**
 * Opens the desktop app: what {@code loopmesh} does with no verb. The engine knows no JavaFX; the
 * app module provides this through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.loopmesh.cli.DesktopOpener}).
 */
public interface DesktopOpener {

    /**
     * Opens the window on the mesh of {@code files} (Bookinfo when empty) and returns the exit code
     * when the window closes.
     *
     * @param options the desktop options as given, e.g. {@code --screenshot OUT.png --after 8s}
     */
    int open(List<Path> files, DesktopOptions options);

    /**
     * @param screenshot where to write a PNG of the main window, then exit; null to stay open
     * @param afterMillis how long to let the mesh run before the screenshot
     */
    record DesktopOptions(Path screenshot, long afterMillis, int ingressPort, int adminPort, boolean traffic) {
    }
}
