package dev.loopmesh.policy.routing;

import java.util.random.RandomGenerator;

/**
 * A proxy's HTTP routes (Envoy's RouteConfiguration): virtual hosts by authority and port, each an
 * ordered list of rules. Immutable; implementations implement {@code equals} by value so that the
 * control plane pushes only what changed.
 */
public interface RouteTable {

    /**
     * Routes one request. Pure: the only randomness is {@code random} (the weighted pick, mirror
     * and fault percentages are decided later, by the data plane, with its own random source).
     */
    RoutingDecision route(RequestView request, RandomGenerator random);
}
