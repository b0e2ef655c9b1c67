package dev.loopmesh.controlplane;

import dev.loopmesh.topology.MeshSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What the control plane knows of the running mesh: its spec and every pod with its addresses.
 * Immutable; pods are indexed by name and by service, as every translation looks them up per service.
 */
public final class Registry {
    /** The proxy id of the ingress gateway. */
    public static final String GATEWAY = "istio-ingressgateway";
    public static final String GATEWAY_NAMESPACE = "istio-system";

    private final MeshSpec mesh;
    private final List<PodInfo> pods;
    private final Map<String, PodInfo> byName = new HashMap<>();
    private final Map<String, List<PodInfo>> byService = new HashMap<>();

    public Registry(MeshSpec mesh, List<PodInfo> pods) {
        this.mesh = requireNonNull(mesh, "mesh");
        this.pods = List.copyOf(pods);
        for (PodInfo p : this.pods) {
            byName.putIfAbsent(p.name(), p);
            byService.computeIfAbsent(p.namespace() + "/" + p.service(), k -> new ArrayList<>()).add(p);
        }
        byService.replaceAll((k, v) -> List.copyOf(v));
    }

    public MeshSpec mesh() {
        return mesh;
    }

    public List<PodInfo> pods() {
        return pods;
    }

    public Optional<PodInfo> pod(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public List<PodInfo> podsOf(String service, String namespace) {
        return byService.getOrDefault(namespace + "/" + service, List.of());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Registry && ((Registry) o).mesh.equals(mesh) && ((Registry) o).pods.equals(pods);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mesh, pods);
    }

    @Override
    public String toString() {
        return "Registry[" + pods.size() + " pods]";
    }
}
