package dev.loopmesh.controlplane;

import dev.loopmesh.topology.MeshSpec;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** What the control plane knows of the running mesh: its spec and every pod with its addresses. */
public record Registry(MeshSpec mesh, List<PodInfo> pods) {
    /** The proxy id of the ingress gateway. */
    public static final String GATEWAY = "istio-ingressgateway";
    public static final String GATEWAY_NAMESPACE = "istio-system";

    public Registry {
        requireNonNull(mesh, "mesh");
        pods = List.copyOf(pods);
    }

    public Optional<PodInfo> pod(String name) {
        return pods.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public List<PodInfo> podsOf(String service, String namespace) {
        return pods.stream().filter(p -> p.service().equals(service) && p.namespace().equals(namespace)).toList();
    }
}
