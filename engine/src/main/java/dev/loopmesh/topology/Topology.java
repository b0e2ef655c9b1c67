package dev.loopmesh.topology;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A loaded topology: the mesh, the resources that came with it, and the non-fatal findings.
 *
 * @param files the files read, in order (including those pulled in by {@code include:}), for file watching
 */
public record Topology(MeshSpec mesh, List<MeshResource> resources, List<Problem> warnings, List<String> files) {
    public Topology {
        requireNonNull(mesh, "mesh");
        resources = List.copyOf(resources);
        warnings = List.copyOf(warnings);
        files = List.copyOf(files);
    }
}
