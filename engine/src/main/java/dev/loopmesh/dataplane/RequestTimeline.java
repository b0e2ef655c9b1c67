package dev.loopmesh.dataplane;

import java.util.ArrayList;
import java.util.List;

/**
 * What happened to one request, in order: the route decision, each attempt, timers, faults.
 * Written on one event loop; read after the request completed.
 */
public final class RequestTimeline {
    /** One step, at {@code atNanos} after the request started (real time). */
    public record Step(long atNanos, String what) {
    }

    private final long startNanos;
    private final List<Step> steps = new ArrayList<>(6);

    public RequestTimeline(long startNanos) {
        this.startNanos = startNanos;
    }

    public void add(long nowNanos, String what) {
        steps.add(new Step(nowNanos - startNanos, what));
    }

    public List<Step> steps() {
        return List.copyOf(steps);
    }

    public long startNanos() {
        return startNanos;
    }
}
