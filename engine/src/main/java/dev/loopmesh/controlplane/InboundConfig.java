package dev.loopmesh.controlplane;

import dev.loopmesh.policy.ratelimit.RateLimitConfig;
import dev.loopmesh.security.InboundSecurity;

/**
 * What a sidecar's inbound listener enforces before the app.
 *
 * @param mtlsMode  the PeerAuthentication mode in force for the workload
 * @param rateLimit the local rate limit of the pod, or null for none
 * @param security  mTLS per port, authorization and JWT rules computed for the workload
 */
public record InboundConfig(String mtlsMode, RateLimitConfig rateLimit, InboundSecurity security) {
    public static final InboundConfig DEFAULT = new InboundConfig("PERMISSIVE", null, InboundSecurity.NONE);

    public InboundConfig {
        security = security == null ? InboundSecurity.NONE : security;
    }

    public InboundConfig(String mtlsMode, RateLimitConfig rateLimit) {
        this(mtlsMode, rateLimit, InboundSecurity.NONE);
    }

    public InboundConfig withRateLimit(RateLimitConfig r) {
        return new InboundConfig(mtlsMode, r, security);
    }

    public InboundConfig withSecurity(InboundSecurity s) {
        return new InboundConfig(s.mtls().mode().name(), rateLimit, s);
    }
}
