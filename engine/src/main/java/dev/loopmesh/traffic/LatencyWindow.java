package dev.loopmesh.traffic;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * Latencies of the last few intervals. The event loop that records also rotates (no lock on the hot
 * path); each finished interval is published as an immutable histogram that any thread may merge.
 */
final class LatencyWindow {
    /** A finished interval: its latencies (microseconds) and how long it lasted. */
    record Interval(Histogram histogram, long nanos) {
    }

    /** Merged recent intervals. */
    record Summary(long count, long nanos, double p50Micros, double p95Micros, double p99Micros) {
    }

    private final int slots;
    private Histogram current = newHistogram();
    private long currentStart;
    private volatile List<Interval> recent = List.of();

    LatencyWindow(int slots, long startNanos) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots: " + slots + " (expected: >= 1)");
        }
        this.slots = slots;
        this.currentStart = startNanos;
    }

    private static Histogram newHistogram() {
        return new Histogram(3); // auto-resizing, 3 significant digits
    }

    /** On the owning event loop. */
    void record(long micros) {
        current.recordValue(Math.max(0, micros));
    }

    /** On the owning event loop: publishes the current interval and starts a new one. */
    void rotate(long now) {
        List<Interval> next = new ArrayList<>(slots);
        List<Interval> old = recent;
        next.addAll(old.subList(Math.max(0, old.size() - slots + 1), old.size()));
        next.add(new Interval(current, Math.max(1, now - currentStart)));
        recent = List.copyOf(next);
        current = newHistogram();
        currentStart = now;
    }

    /** From any thread. */
    Summary summary() {
        List<Interval> intervals = recent;
        if (intervals.isEmpty()) {
            return new Summary(0, 0, 0, 0, 0);
        }
        Histogram merged = newHistogram();
        long nanos = 0;
        for (Interval i : intervals) {
            merged.add(i.histogram());
            nanos += i.nanos();
        }
        if (merged.getTotalCount() == 0) {
            return new Summary(0, nanos, 0, 0, 0);
        }
        return new Summary(merged.getTotalCount(), nanos, merged.getValueAtPercentile(50), merged.getValueAtPercentile(95),
                merged.getValueAtPercentile(99));
    }
}
