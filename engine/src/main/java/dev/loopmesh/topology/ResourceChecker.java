package dev.loopmesh.topology;

import java.util.List;

/**
 * Checks a loaded topology beyond its structure, for {@code loopmesh validate}: the control plane
 * plugs in here to validate Istio, Gateway API and Linkerd specs against the mesh's services.
 */
@FunctionalInterface
public interface ResourceChecker {
    /** No checks beyond the loader's. */
    ResourceChecker NONE = topology -> List.of();

    /** Problems found in {@code topology}, errors and warnings; empty when all is well. */
    List<Problem> check(Topology topology);
}
