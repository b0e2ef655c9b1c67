package dev.loopmesh.app.common;

import javafx.application.Platform;

/** Guards for code that must run on the FX application thread. */
public final class FxThread {
    private FxThread() {
    }

    public static void check() {
        if (!Platform.isFxApplicationThread()) {
            throw new IllegalStateException("not on the FX application thread: " + Thread.currentThread().getName());
        }
    }
}
