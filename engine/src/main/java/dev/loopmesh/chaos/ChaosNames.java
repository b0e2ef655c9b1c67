package dev.loopmesh.chaos;

import java.util.Set;

/**
 * The mesh's pods, workloads and services, to check the names a Chaos spec uses (and suggest the nearest
 * one). {@link #ANY} checks nothing: for binding before the mesh is known.
 */
public record ChaosNames(Set<String> pods, Set<String> workloads, Set<String> services) {
    public static final ChaosNames ANY = new ChaosNames(null, null, null);

    public ChaosNames {
        pods = pods == null ? null : Set.copyOf(pods);
        workloads = workloads == null ? null : Set.copyOf(workloads);
        services = services == null ? null : Set.copyOf(services);
    }

    boolean checks() {
        return pods != null;
    }

    boolean isPod(String name) {
        return pods == null || pods.contains(name);
    }

    /** A link side: a pod, workload or service, or {@code *} (the ingress gateway is a workload named by the mesh). */
    boolean isPeer(String name) {
        return pods == null || name.equals(LinkPeer.ANY) || pods.contains(name) || workloads.contains(name)
                || services.contains(name);
    }
}
