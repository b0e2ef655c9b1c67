package dev.loopmesh.policy.routing;

import java.util.List;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/**
 * Envoy's tcp_proxy for one TCP service a sidecar's app reaches (Istio's outbound listener for the service
 * port): each new connection goes to one of the weighted clusters, picked once for the connection's life.
 *
 * @param service        the service and port, {@code db.default.svc.cluster.local:5432}
 * @param virtualService {@code namespace/name} of the VirtualService whose tcp rule applies, "" for the default route
 * @param ruleIndex      the index of that {@code tcp} rule, -1 for the default route
 * @param why            how the route was chosen, for the decision trace and {@code describe}
 * @param kind           "tcp" or "tls" for the VirtualService's rule list, "" for the default route
 * @param match          what a connection must show for this route to take it (SNI, addresses)
 */
public record TcpRoute(String service, String virtualService, int ruleIndex, List<Destination> destinations, String why,
                       String kind, ConnectionMatch match) {
    /** One weighted cluster of the route. */
    public record Destination(String cluster, String host, String subset, int port, int weight) {
        public Destination {
            requireNonNull(cluster, "cluster");
            subset = subset == null ? "" : subset;
            if (weight < 0) {
                throw new IllegalArgumentException("weight: " + weight + " (expected: >= 0)");
            }
        }
    }

    public TcpRoute {
        requireNonNull(service, "service");
        virtualService = virtualService == null ? "" : virtualService;
        destinations = List.copyOf(destinations);
        if (destinations.isEmpty()) {
            throw new IllegalArgumentException("destinations: none (expected: at least one)");
        }
        why = why == null ? "" : why;
        kind = kind == null ? "" : kind;
        match = match == null ? ConnectionMatch.ANY : match;
    }

    /** A route that takes every connection: a {@code tcp} rule's, or the default route when {@code ruleIndex} is -1. */
    public TcpRoute(String service, String virtualService, int ruleIndex, List<Destination> destinations, String why) {
        this(service, virtualService, ruleIndex, destinations, why, ruleIndex < 0 ? "" : "tcp", ConnectionMatch.ANY);
    }

    /** Envoy's weighted_clusters: a uniform draw over the total weight; weights are relative. */
    public Destination pick(RandomGenerator random) {
        int total = 0;
        for (Destination d : destinations) {
            total += d.weight();
        }
        if (destinations.size() == 1 || total <= 0) {
            return destinations.get(0);
        }
        int r = random.nextInt(total);
        for (Destination d : destinations) {
            r -= d.weight();
            if (r < 0) {
                return d;
            }
        }
        return destinations.get(destinations.size() - 1);
    }

    /** {@code name.namespace.svc.cluster.local:port}: how TCP routes and listeners are keyed. */
    public static String key(String fqdn, int port) {
        return fqdn + ":" + port;
    }
}
