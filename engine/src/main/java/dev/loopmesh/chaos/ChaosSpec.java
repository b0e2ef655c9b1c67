package dev.loopmesh.chaos;

import dev.loopmesh.topology.Durations;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * One chaos experiment: a fault, when it starts and how long it lasts, in configured time (the engine
 * stretches both by the time scale).
 *
 * @param id       unique among the engine's experiments; "" lets the engine name it {@code chaos-N}
 * @param start    how long after it is applied the fault starts (zero: at once)
 * @param duration how long the fault lasts, or null to last until it is removed
 */
public record ChaosSpec(String id, Duration start, Duration duration, ChaosFault fault) {
    public ChaosSpec {
        id = id == null ? "" : id;
        start = start == null ? Duration.ZERO : start;
        if (start.isNegative()) {
            throw new IllegalArgumentException("start: " + start + " (expected: >= 0)");
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: > 0, or none to last until removed)");
        }
        requireNonNull(fault, "fault");
    }

    public static ChaosSpec now(String id, ChaosFault fault) {
        return new ChaosSpec(id, Duration.ZERO, null, fault);
    }

    public ChaosSpec withId(String newId) {
        return new ChaosSpec(newId, start, duration, fault);
    }

    /** {@code kill pod ratings-v1-0 at +10s for 20s}. */
    public String describe() {
        return fault.describe() + (start.isZero() ? "" : " at +" + Durations.format(start))
                + (duration == null ? "" : " for " + Durations.format(duration));
    }
}
