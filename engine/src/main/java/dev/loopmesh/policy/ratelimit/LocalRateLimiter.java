package dev.loopmesh.policy.ratelimit;

import dev.loopmesh.internal.TimeScale;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The running limiter of one pod's inbound side. Checks in Linkerd's order: the total limit first (a
 * request it admits has spent a token even if a narrower limit refuses it next), then the client's
 * override if it has one, else the per-identity limit. Over the limit the proxy answers 429 with flag
 * RL and {@code x-local-rate-limit: true}.
 */
public final class LocalRateLimiter {
    /** Why a request was refused, or that it was not. */
    public enum Verdict {
        ALLOWED, TOTAL, PER_IDENTITY, OVERRIDE;

        public boolean allowed() {
            return this == ALLOWED;
        }
    }

    private static final String NO_IDENTITY = "";

    private final RateLimitConfig config;
    private final TimeScale scale;
    private final long startNanos;
    private final TokenBucket total;
    private final Map<String, TokenBucket> overrides = new HashMap<>();
    private final Map<String, TokenBucket> perIdentity = new ConcurrentHashMap<>();

    public LocalRateLimiter(RateLimitConfig config, TimeScale scale, long startNanos) {
        this.config = requireNonNull(config, "config");
        this.scale = requireNonNull(scale, "scale");
        this.startNanos = startNanos;
        this.total = config.total() == null ? null : new TokenBucket(config.total(), scale, startNanos);
        for (RateLimitConfig.Override o : config.overrides()) {
            TokenBucket shared = new TokenBucket(o.limit(), scale, startNanos);
            for (String client : o.clients()) {
                overrides.putIfAbsent(client, shared);
            }
        }
    }

    public RateLimitConfig config() {
        return config;
    }

    /**
     * @param client the caller's identity as {@code namespace/serviceAccount} (from its mTLS certificate), or
     *               null for a caller without one
     */
    public Verdict check(String client, long now) {
        if (total != null && !total.tryAcquire(now)) {
            return Verdict.TOTAL;
        }
        if (client != null) {
            TokenBucket o = overrides.get(client);
            if (o != null) {
                return o.tryAcquire(now) ? Verdict.ALLOWED : Verdict.OVERRIDE;
            }
        }
        if (config.perIdentity() != null) {
            TokenBucket b = perIdentity.computeIfAbsent(client == null ? NO_IDENTITY : client,
                    k -> new TokenBucket(config.perIdentity(), scale, startNanos));
            if (!b.tryAcquire(now)) {
                return Verdict.PER_IDENTITY;
            }
        }
        return Verdict.ALLOWED;
    }
}
