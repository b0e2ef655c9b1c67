package dev.loopmesh.policy.routing;

import dev.loopmesh.policy.resilience.ConnectionPoolSettings;
import dev.loopmesh.policy.resilience.OutlierSettings;
import dev.loopmesh.policy.resilience.RetryBudget;
import dev.loopmesh.topology.Protocol;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Envoy's cluster: a group of endpoints with how to balance over them and how to protect them.
 *
 * @param name     Istio's cluster name: {@code outbound|9080|v2|reviews.default.svc.cluster.local}
 * @param service  the service's FQDN, or the host for a ServiceEntry / passthrough
 * @param subset   the DestinationRule subset, "" for all endpoints
 * @param outlier  null when outlier detection is off (Istio turns it on only when the DestinationRule says so)
 * @param tlsMode  DestinationRule tls mode as written (ISTIO_MUTUAL, DISABLE, SIMPLE, MUTUAL), or "" when unset (auto mTLS)
 * @param destinationRule the DestinationRule that shaped it, "" for none
 * @param protocol the service's protocol: HTTP2 and GRPC are sent upstream over HTTP/2 (h2c), so that
 *                 trailers (grpc-status) and streams pass as the caller sent them
 * @param retryBudget the DestinationRule's {@code retryBudget}, or null: then {@code connectionPool.maxRetries}
 *                 limits the retries outstanding (Envoy's retry circuit breaker)
 */
public record ClusterConfig(String name, String service, String subset, int port, List<Endpoint> endpoints,
                            LbPolicy lb, ConnectionPoolSettings connectionPool, OutlierSettings outlier,
                            String tlsMode, String destinationRule, Protocol protocol, RetryBudget retryBudget) {
    public ClusterConfig {
        requireNonNull(name, "name");
        requireNonNull(service, "service");
        subset = subset == null ? "" : subset;
        endpoints = List.copyOf(endpoints);
        lb = lb == null ? LbPolicy.DEFAULT : lb;
        connectionPool = connectionPool == null ? ConnectionPoolSettings.DEFAULT : connectionPool;
        tlsMode = tlsMode == null ? "" : tlsMode;
        destinationRule = destinationRule == null ? "" : destinationRule;
        protocol = protocol == null ? Protocol.HTTP : protocol;
    }

    /** A cluster without a retry budget. */
    public ClusterConfig(String name, String service, String subset, int port, List<Endpoint> endpoints, LbPolicy lb,
                         ConnectionPoolSettings connectionPool, OutlierSettings outlier, String tlsMode, String destinationRule,
                         Protocol protocol) {
        this(name, service, subset, port, endpoints, lb, connectionPool, outlier, tlsMode, destinationRule, protocol, null);
    }

    /** An HTTP/1.1 cluster. */
    public ClusterConfig(String name, String service, String subset, int port, List<Endpoint> endpoints, LbPolicy lb,
                         ConnectionPoolSettings connectionPool, OutlierSettings outlier, String tlsMode, String destinationRule) {
        this(name, service, subset, port, endpoints, lb, connectionPool, outlier, tlsMode, destinationRule, Protocol.HTTP, null);
    }

    public boolean http2() {
        return protocol == Protocol.HTTP2 || protocol == Protocol.GRPC;
    }

    public static String name(String direction, int port, String subset, String fqdn) {
        return direction + "|" + port + "|" + (subset == null ? "" : subset) + "|" + fqdn;
    }
}
