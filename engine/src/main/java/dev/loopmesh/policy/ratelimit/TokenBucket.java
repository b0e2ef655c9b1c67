package dev.loopmesh.policy.ratelimit;

import dev.loopmesh.internal.TimeScale;

/**
 * A running token bucket with Envoy's local rate limit semantics: full at start, {@code tokensPerFill}
 * added at each fill tick ({@code start + k × fillInterval}) up to {@code maxTokens}. Time is the injected
 * clock's nanoseconds; the fill interval is stretched by the {@link TimeScale}. Thread-safe (a tiny lock).
 */
public final class TokenBucket {
    private final TokenBucketSpec spec;
    private final long fillNanos;
    private final long startNanos;
    private long tokens;
    private long ticks;

    public TokenBucket(TokenBucketSpec spec, TimeScale scale, long startNanos) {
        this.spec = spec;
        this.fillNanos = Math.max(1, scale.scaleNanos(spec.fillInterval()));
        this.startNanos = startNanos;
        this.tokens = spec.maxTokens();
    }

    public TokenBucketSpec spec() {
        return spec;
    }

    /** Takes a token if there is one. */
    public synchronized boolean tryAcquire(long now) {
        refill(now);
        if (tokens > 0) {
            tokens--;
            return true;
        }
        return false;
    }

    public synchronized long available(long now) {
        refill(now);
        return tokens;
    }

    /** How long until the next fill adds tokens (0 when tokens are available now). */
    public synchronized long nanosUntilToken(long now) {
        refill(now);
        if (tokens > 0) {
            return 0;
        }
        return startNanos + (ticks + 1) * fillNanos - now;
    }

    private void refill(long now) {
        long t = (now - startNanos) / fillNanos;
        if (t <= ticks) {
            return;
        }
        long fills = t - ticks;
        ticks = t;
        long room = spec.maxTokens() - tokens;
        // fills × tokensPerFill can overflow after a long idle time: compare by division first
        tokens += fills > room / spec.tokensPerFill() ? room : fills * spec.tokensPerFill();
    }
}
