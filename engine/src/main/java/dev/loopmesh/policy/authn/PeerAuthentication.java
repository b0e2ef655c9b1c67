package dev.loopmesh.policy.authn;

import dev.loopmesh.topology.Position;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Istio's PeerAuthentication, bound.
 *
 * @param selector  {@code selector.matchLabels}; null when the policy has no selector (namespace- or mesh-wide)
 * @param mode      {@code mtls.mode}, UNSET when absent
 * @param portLevel {@code portLevelMtls}, by workload port (only honoured with a selector, as Istio does)
 */
public record PeerAuthentication(String name, String namespace, Map<String, String> selector, MtlsMode mode,
                                 Map<Integer, MtlsMode> portLevel, Position position) {
    public PeerAuthentication {
        requireNonNull(name, "name");
        requireNonNull(namespace, "namespace");
        selector = selector == null ? null : Map.copyOf(selector);
        mode = mode == null ? MtlsMode.UNSET : mode;
        portLevel = Map.copyOf(portLevel);
    }

    public String label() {
        return "PeerAuthentication " + namespace + "/" + name;
    }
}
