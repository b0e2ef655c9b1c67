package dev.loopmesh.policy.resilience.outlier;

import dev.loopmesh.policy.routing.Endpoint;

import java.util.List;

/**
 * The endpoints a load balancer may pick from after outlier detection.
 *
 * @param hosts   the endpoints not ejected; all of them in panic; empty when every endpoint is ejected
 *                (the request then ends as 503 UH)
 * @param panic   the healthy share fell below {@code minHealthPercent}: Envoy's panic mode balances
 *                across every endpoint, ejected or not
 * @param ejected how many of the given endpoints are ejected
 */
public record HealthyHosts(List<Endpoint> hosts, boolean panic, int ejected) {
    public HealthyHosts {
        hosts = List.copyOf(hosts);
    }
}
