package dev.loopmesh.traffic;

import java.util.function.LongConsumer;

/**
 * The intended send times of an open-loop client: {@code start + i * period}. Requests are due at their
 * intended time whether or not earlier ones were answered, so slow answers cannot slow the arrivals
 * down and hide their own latency (coordinated omission). Pure: time is passed in.
 */
final class ArrivalSchedule {
    private long start;
    private double periodNanos;
    private long index;

    ArrivalSchedule(long startNanos, double periodNanos) {
        this.start = startNanos;
        this.periodNanos = check(periodNanos);
    }

    static double periodOf(double ratePerSecond) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate: " + ratePerSecond + " (expected: > 0)");
        }
        return 1e9 / ratePerSecond;
    }

    long nextDue() {
        return start + Math.round(index * periodNanos);
    }

    /** Fires every request due by {@code now} (at most {@code max}) with its intended time; returns how many. */
    int drain(long now, int max, LongConsumer fire) {
        int n = 0;
        long due;
        while (n < max && (due = nextDue()) <= now) {
            index++;
            n++;
            fire.accept(due);
        }
        return n;
    }

    /** A new rate from {@code now}: the next request comes no later than the old schedule or one new period. */
    void changePeriod(long now, double newPeriodNanos) {
        long next = Math.min(nextDue(), now + Math.round(check(newPeriodNanos)));
        start = Math.max(next, now);
        index = 0;
        periodNanos = newPeriodNanos;
    }

    /** Starts over at {@code now} (after a pause: the requests not sent while paused are not owed). */
    void restartAt(long now) {
        start = now;
        index = 0;
    }

    private static double check(double period) {
        if (!(period > 0) || Double.isInfinite(period)) {
            throw new IllegalArgumentException("period: " + period + " (expected: > 0)");
        }
        return period;
    }
}
