package dev.loopmesh.app.faults;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * A fault to inject.
 *
 * @param percent share of requests (delay, abort), 0..100
 * @param millis  the delay or link latency
 * @param status  the HTTP status of an abort
 * @param bytesPerSecond a bandwidth cap
 */
public record FaultRequest(FaultKind kind, FaultTarget target, double percent, long millis, int status, long bytesPerSecond) {
    public FaultRequest {
        requireNonNull(kind, "kind");
        requireNonNull(target, "target");
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent: " + percent + " (expected: 0..100)");
        }
    }

    public static FaultRequest delay(FaultTarget target, long millis, double percent) {
        return new FaultRequest(FaultKind.DELAY, target, percent, millis, 0, 0);
    }

    public static FaultRequest abort(FaultTarget target, int status, double percent) {
        return new FaultRequest(FaultKind.ABORT, target, percent, 0, status, 0);
    }

    public static FaultRequest pod(FaultKind kind, FaultTarget.Pod pod) {
        return new FaultRequest(kind, pod, 100, 0, 0, 0);
    }

    /** {@code delay 7s on 100 % of ratings}, {@code kill pod ratings-v1-0}. */
    public String describe() {
        String pct = percent == Math.rint(percent) ? Long.toString((long) percent) : String.format(Locale.ROOT, "%.1f", percent);
        return switch (kind) {
            case DELAY -> "delay " + millis + " ms on " + pct + " % of " + target.describe();
            case ABORT -> "abort " + status + " on " + pct + " % of " + target.describe();
            case KILL_POD -> "kill pod " + target.describe();
            case PAUSE_POD -> "pause pod " + target.describe();
            case PARTITION -> "partition " + target.describe();
            case LATENCY -> "latency " + millis + " ms on " + target.describe();
            case BANDWIDTH -> "bandwidth " + bytesPerSecond + " B/s on " + target.describe();
        };
    }
}
