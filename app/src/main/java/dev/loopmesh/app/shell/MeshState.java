package dev.loopmesh.app.shell;

/** The life of the mesh the window shows; each value is also a CSS pseudo-class of the window. */
public enum MeshState {
    STOPPED, STARTING, RUNNING, STOPPING, FAILED;

    public boolean canStart() {
        return this == STOPPED || this == FAILED;
    }

    public boolean canStop() {
        return this == RUNNING;
    }
}
