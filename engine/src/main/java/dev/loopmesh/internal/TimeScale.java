package dev.loopmesh.internal;

import java.time.Duration;

/**
 * Runs every configured duration {@code factor} times as long ({@code --time-scale}); what users see is
 * reported back in configured time with {@link #toConfigured}.
 */
public record TimeScale(double factor) {
    public static final TimeScale REAL = new TimeScale(1.0);

    public TimeScale {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("time scale: " + factor + " (expected: > 0)");
        }
    }

    public long scaleNanos(long configuredNanos) {
        return factor == 1.0 ? configuredNanos : Math.round(configuredNanos * factor);
    }

    public long scaleNanos(Duration configured) {
        return scaleNanos(configured.toNanos());
    }

    public long toConfiguredNanos(long realNanos) {
        return factor == 1.0 ? realNanos : Math.round(realNanos / factor);
    }
}
