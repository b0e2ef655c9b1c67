package dev.loopmesh.policy.ratelimit;

import dev.loopmesh.topology.Durations;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Envoy's {@code token_bucket}: the bucket starts full with {@code maxTokens}; every {@code fillInterval}
 * it gains {@code tokensPerFill}, never holding more than {@code maxTokens}; each request takes one.
 */
public record TokenBucketSpec(long maxTokens, long tokensPerFill, Duration fillInterval) {
    public TokenBucketSpec {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens: " + maxTokens + " (expected: >= 1)");
        }
        if (tokensPerFill < 1) {
            throw new IllegalArgumentException("tokensPerFill: " + tokensPerFill + " (expected: >= 1)");
        }
        requireNonNull(fillInterval, "fillInterval");
        if (fillInterval.isNegative() || fillInterval.isZero()) {
            throw new IllegalArgumentException("fillInterval: " + fillInterval + " (expected: > 0)");
        }
    }

    /**
     * Linkerd's {@code requestsPerSecond}: its GCRA limiter (governor's {@code Quota::per_second}) allows a
     * burst of {@code rps} and frees one request every {@code 1/rps} s, which is this bucket.
     */
    public static TokenBucketSpec perSecond(long rps) {
        if (rps < 1) {
            throw new IllegalArgumentException("requestsPerSecond: " + rps + " (expected: >= 1)");
        }
        return new TokenBucketSpec(rps, 1, Duration.ofNanos(Math.max(1, 1_000_000_000L / rps)));
    }

    /** {@code 4 per 1m (burst 4)}. */
    public String describe() {
        return tokensPerFill + " per " + Durations.format(fillInterval) + " (burst " + maxTokens + ")";
    }
}
