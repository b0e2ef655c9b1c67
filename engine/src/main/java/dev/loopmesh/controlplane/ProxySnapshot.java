package dev.loopmesh.controlplane;

import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.policy.routing.RouteTable;
import dev.loopmesh.policy.routing.TcpListenerRoutes;
import dev.loopmesh.policy.routing.TcpRoute;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Everything one proxy needs, computed by the control plane, immutable and versioned (Envoy's
 * listeners → routes → clusters → endpoints). A request finishes on the snapshot it started with.
 *
 * @param proxy     the pod name, or {@link Registry#GATEWAY}
 * @param version   the control plane's version when this snapshot was computed
 * @param routes    outbound routes (for the gateway: its routes)
 * @param clusters  by cluster name
 * @param inbound   what the inbound listener enforces
 * @param resources {@code Kind namespace/name} of every resource that shaped this snapshot
 * @param tcpRoutes the outbound TCP listeners' routes (Envoy's tcp_proxy), by {@link TcpRoute#key service key}
 * @param invalid   why a proxy must refuse this snapshot (it NACKs and keeps its last good one), "" when it is
 *                  valid: the translator checks each cluster map once, where proxies of one shape share it
 */
public record ProxySnapshot(String proxy, long version, RouteTable routes, Map<String, ClusterConfig> clusters,
                            InboundConfig inbound, List<String> resources, Map<String, TcpListenerRoutes> tcpRoutes, String invalid) {
    public ProxySnapshot {
        requireNonNull(proxy, "proxy");
        requireNonNull(routes, "routes");
        clusters = Map.copyOf(clusters);
        inbound = inbound == null ? InboundConfig.DEFAULT : inbound;
        resources = List.copyOf(resources);
        tcpRoutes = Map.copyOf(tcpRoutes == null ? Map.of() : tcpRoutes);
        invalid = invalid == null ? "" : invalid;
    }

    /** A valid snapshot. */
    public ProxySnapshot(String proxy, long version, RouteTable routes, Map<String, ClusterConfig> clusters,
                         InboundConfig inbound, List<String> resources, Map<String, TcpListenerRoutes> tcpRoutes) {
        this(proxy, version, routes, clusters, inbound, resources, tcpRoutes, "");
    }

    /** A valid snapshot without outbound TCP routes. */
    public ProxySnapshot(String proxy, long version, RouteTable routes, Map<String, ClusterConfig> clusters,
                         InboundConfig inbound, List<String> resources) {
        this(proxy, version, routes, clusters, inbound, resources, Map.of(), "");
    }

    /**
     * The same content at another version: what the cache compares to decide whether to push. {@code memo}
     * (an {@link java.util.IdentityHashMap}, one per wave of comparisons) remembers the comparisons of parts
     * that proxies share (one translation per sidecar shape), so a push to N proxies compares each shared
     * part once instead of N times. Routes are compared by proxy name and by content.
     */
    public boolean sameContent(ProxySnapshot other, Map<Object, Map<Object, Boolean>> memo) {
        return other != null && routes.proxyName().equals(other.routes.proxyName())
                && equal(routes.content(), other.routes.content(), memo) && equal(clusters, other.clusters, memo)
                && inbound.equals(other.inbound) && resources.equals(other.resources) && equal(tcpRoutes, other.tcpRoutes, memo)
                && invalid.equals(other.invalid);
    }

    private static boolean equal(Object a, Object b, Map<Object, Map<Object, Boolean>> memo) {
        if (a == b) {
            return true;
        }
        return memo.computeIfAbsent(a, k -> new java.util.IdentityHashMap<>()).computeIfAbsent(b, a::equals);
    }

    public ProxySnapshot withVersion(long v) {
        return new ProxySnapshot(proxy, v, routes, clusters, inbound, resources, tcpRoutes, invalid);
    }

    /** The same snapshot with another inbound config and resource list (what the rate-limit binding adds). */
    public ProxySnapshot withInbound(InboundConfig in, List<String> res) {
        return new ProxySnapshot(proxy, version, routes, clusters, in, res, tcpRoutes, invalid);
    }
}
