package dev.loopmesh.controlplane.istio;

import dev.loopmesh.topology.Position;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Istio {@code Sidecar}: which hosts a sidecar sees (egress) and what happens to unknown hosts.
 *
 * @param workloadSelector empty: applies to every pod of its namespace (or, in istio-system, of the mesh)
 * @param egressHosts      {@code namespace/dnsName} as written; empty: everything is visible
 * @param outboundTrafficPolicyMode ALLOW_ANY, REGISTRY_ONLY, or null when not written
 */
public record Sidecar(String name, String namespace, Map<String, String> workloadSelector, List<String> egressHosts,
                      String outboundTrafficPolicyMode, Position position) {
    public Sidecar {
        requireNonNull(name, "name");
        requireNonNull(namespace, "namespace");
        workloadSelector = Map.copyOf(workloadSelector);
        egressHosts = List.copyOf(egressHosts);
    }

    public String key() {
        return namespace + "/" + name;
    }
}
