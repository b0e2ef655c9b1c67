package dev.loopmesh.controlplane.istio;

import dev.loopmesh.policy.routing.HeaderOps;

/**
 * A destination of a compiled rule: the cluster, its weight and the header operations of the rule
 * followed by those of the destination (HeaderOps.then), combined once at translation time.
 */
public record WeightedCluster(String cluster, String host, String subset, int port, int weight,
                              HeaderOps requestHeaders, HeaderOps responseHeaders, String description) {
}
