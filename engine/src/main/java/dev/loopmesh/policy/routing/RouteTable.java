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

    /**
     * What this table routes by, without the proxy's name: tables of proxies that share one
     * translation return the same instance, so the control plane compares each pair once. Equal
     * contents and equal names make equal tables.
     */
    default Object content() {
        return this;
    }

    /** The proxy this table is for ("" when it is not named). */
    default String proxyName() {
        return "";
    }
}
