package dev.loopmesh.chaos;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Runs the engine's timers; tests inject a fake one and move time by hand. */
@FunctionalInterface
public interface ChaosScheduler {
    /** A scheduled task that can still be called off. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** Runs {@code task} after {@code delayNanos} of real time. */
    Cancellable schedule(long delayNanos, Runnable task);

    static ChaosScheduler of(ScheduledExecutorService executor) {
        return (delayNanos, task) -> {
            ScheduledFuture<?> f = executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }
}
