package dev.loopmesh.security;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.RegistryPlanner;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TopologyLoader;

import java.util.List;

/** Test helpers: resources from YAML text, on the built-in Bookinfo mesh. */
public final class Yaml {
    private Yaml() {
    }

    public static List<MeshResource> resources(String yaml) {
        return new TopologyLoader().loadString("policy.yaml", yaml).resources();
    }

    public static Topology bookinfo(String yaml) {
        return yaml.isBlank() ? new TopologyLoader().builtIn() : new TopologyLoader().loadString("policy.yaml", yaml);
    }

    public static Registry registry(Topology t) {
        return RegistryPlanner.perPodAddresses(t.mesh(), 1);
    }

    public static PodInfo pod(Registry r, String name) {
        return r.pod(name).orElseThrow(() -> new AssertionError("no pod " + name + " in " + r.pods().stream().map(PodInfo::name).toList()));
    }
}
