package dev.loopmesh.controlplane;

import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;

import java.util.List;
import java.util.Map;

/**
 * istiod's job: turn high-level resources into one snapshot per proxy. Implementations are pure and
 * deterministic: the same registry and resources give equal snapshots.
 */
public interface Translator {

    /** Problems with one resource on its own and against the registry; an error means reject it. */
    List<Problem> validate(MeshResource resource, Registry registry);

    /**
     * As {@link #validate(MeshResource, Registry)}, with the resources it would join ({@code context}, which may
     * hold it too): what one resource means can depend on mesh-wide settings (a CUSTOM AuthorizationPolicy
     * names a provider of the MeshConfig).
     */
    default List<Problem> validate(MeshResource resource, Registry registry, List<MeshResource> context) {
        return validate(resource, registry);
    }

    /** One snapshot per proxy id (every pod with a sidecar, and the gateway), all at {@code version}. */
    Map<String, ProxySnapshot> translate(Registry registry, List<MeshResource> resources, long version);
}
