package dev.loopmesh.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Fake time for the engine's timers: {@link #advanceTo} runs what is due, in time order. */
final class FakeScheduler implements ChaosScheduler {
    private final class Task implements Cancellable {
        final long due;
        final long order;
        final Runnable run;
        boolean cancelled;

        Task(long due, long order, Runnable run) {
            this.due = due;
            this.order = order;
            this.run = run;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private final List<Task> tasks = new ArrayList<>();
    private long now;
    private long order;

    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        Task t = new Task(now + delayNanos, order++, task);
        tasks.add(t);
        return t;
    }

    long now() {
        return now;
    }

    int pending() {
        return (int) tasks.stream().filter(t -> !t.cancelled).count();
    }

    void advanceTo(long target) {
        while (true) {
            Task next = tasks.stream().filter(t -> !t.cancelled && t.due <= target)
                    .min(Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.order)).orElse(null);
            if (next == null) {
                break;
            }
            tasks.remove(next);
            now = Math.max(now, next.due);
            next.run.run();
        }
        now = target;
    }
}
