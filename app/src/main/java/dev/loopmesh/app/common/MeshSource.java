package dev.loopmesh.app.common;

import java.nio.file.Path;
import java.util.List;

/** Starts meshes for the app: the one seam between the views and the engine. */
@FunctionalInterface
public interface MeshSource {

    /**
     * Starts the mesh of {@code files} (the built-in Bookinfo when empty), every configured duration
     * running {@code timeScale} times as long (1: real time; 0.1: ten times faster). Blocks while the
     * mesh starts, so never call it on the FX thread.
     *
     * @throws RuntimeException with a message fit for the user when the topology is invalid or an
     *                          address cannot be bound
     */
    MeshHandle start(List<Path> files, double timeScale);
}
