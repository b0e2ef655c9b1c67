package dev.loopmesh.controlplane;

import dev.loopmesh.policy.ratelimit.RateLimitConfig;

/**
 * What a sidecar's inbound listener enforces before the app.
 *
 * @param mtlsMode  the PeerAuthentication mode in force for the workload
 * @param rateLimit the local rate limit of the pod, or null for none
 */
public record InboundConfig(String mtlsMode, RateLimitConfig rateLimit) {
    public static final InboundConfig DEFAULT = new InboundConfig("PERMISSIVE", null);

    public InboundConfig withRateLimit(RateLimitConfig r) {
        return new InboundConfig(mtlsMode, r);
    }
}
