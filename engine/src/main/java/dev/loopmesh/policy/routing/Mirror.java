package dev.loopmesh.policy.routing;

/**
 * A mirror target: a copy of the request is sent there, fire and forget, its answer dropped.
 *
 * @param authority the host the shadow request is addressed to, before Envoy appends {@code -shadow}
 * @param percent   share of requests mirrored, 0..100 (Istio's default is 100)
 */
public record Mirror(String cluster, String authority, double percent) {
}
