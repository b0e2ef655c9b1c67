package dev.loopmesh.app.common;

import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import static java.util.Objects.requireNonNull;

/**
 * Runs engine work off the FX thread and hands the result back to it: the one way view models call
 * the engine, so the FX thread never waits on it.
 */
public final class EngineCalls {
    private static final Logger LOG = Logger.getLogger(EngineCalls.class.getName());

    private final Executor engine;
    private final Executor fx;

    /**
     * @param engine runs engine calls (one background thread keeps them in order)
     * @param fx     runs the hand-off on the FX thread ({@code Platform::runLater})
     */
    public EngineCalls(Executor engine, Executor fx) {
        this.engine = requireNonNull(engine, "engine");
        this.fx = requireNonNull(fx, "fx");
    }

    /** Runs {@code work} on the engine thread, then {@code done} with its result (or {@code failed}) on the FX thread. */
    public <T> void call(Supplier<T> work, Consumer<T> done, Consumer<String> failed) {
        engine.execute(() -> {
            T result;
            try {
                result = work.get();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "engine call failed", e);
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                fx.execute(() -> failed.accept(why));
                return;
            }
            fx.execute(() -> done.accept(result));
        });
    }

    public void fx(Runnable r) {
        fx.execute(r);
    }
}
