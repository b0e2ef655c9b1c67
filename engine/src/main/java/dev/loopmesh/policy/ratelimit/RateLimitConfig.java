package dev.loopmesh.policy.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The local rate limit one pod's inbound side enforces, from a Loopmesh {@code LocalRateLimit} (a total
 * limit only) or a Linkerd {@code HTTPLocalRateLimitPolicy} (total, per identity, overrides).
 *
 * @param source      the resource it came from: {@code LocalRateLimit default/ratings}
 * @param total       the limit on all requests to the pod, or null
 * @param perIdentity the limit each client identity gets on its own, or null (clients without an identity share one)
 * @param overrides   limits for named clients instead of {@code perIdentity}; one bucket per override, shared by its clients
 */
public record RateLimitConfig(String source, TokenBucketSpec total, TokenBucketSpec perIdentity, List<Override> overrides) {
    /**
     * @param clients client identities as {@code namespace/serviceAccount}
     */
    public record Override(Set<String> clients, TokenBucketSpec limit) {
        public Override {
            clients = Set.copyOf(clients);
            requireNonNull(limit, "limit");
        }
    }

    public RateLimitConfig {
        requireNonNull(source, "source");
        overrides = List.copyOf(overrides);
    }

    /** {@code total 4 per 1m (burst 4); per identity …}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (total != null) {
            parts.add("total " + total.describe());
        }
        if (perIdentity != null) {
            parts.add("per identity " + perIdentity.describe());
        }
        for (Override o : overrides) {
            parts.add(String.join(",", new java.util.TreeSet<>(o.clients())) + " " + o.limit().describe());
        }
        return parts.isEmpty() ? "no limit" : String.join("; ", parts);
    }
}
