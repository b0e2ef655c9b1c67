package dev.loopmesh.policy.authn;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The mTLS modes a workload's inbound listener enforces, resolved (never UNSET).
 *
 * @param mode   for ports without their own setting
 * @param ports  {@code portLevelMtls} of the deciding workload policy, resolved
 * @param policy the PeerAuthentication that decided {@code mode}, or "" for the mesh default
 */
public record InboundMtls(MtlsMode mode, Map<Integer, MtlsMode> ports, String policy) {
    /** No PeerAuthentication anywhere: Istio's default is PERMISSIVE. */
    public static final InboundMtls DEFAULT = new InboundMtls(MtlsMode.PERMISSIVE, Map.of(), "");

    public InboundMtls {
        requireNonNull(mode, "mode");
        if (mode == MtlsMode.UNSET) {
            throw new IllegalArgumentException("mode: UNSET (expected: resolved)");
        }
        ports = Map.copyOf(ports);
        policy = policy == null ? "" : policy;
    }

    public MtlsMode mode(int port) {
        return ports.getOrDefault(port, mode);
    }
}
