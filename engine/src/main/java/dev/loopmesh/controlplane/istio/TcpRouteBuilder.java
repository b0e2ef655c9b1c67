package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.istio.VirtualService.Destination;
import dev.loopmesh.controlplane.istio.VirtualService.L4Match;
import dev.loopmesh.controlplane.istio.VirtualService.RouteDestination;
import dev.loopmesh.controlplane.istio.VirtualService.TcpRule;
import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.policy.routing.TcpRoute;
import dev.loopmesh.topology.Protocol;
import dev.loopmesh.topology.ServiceSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sidecar's outbound TCP routes, one per {@code protocol: tcp} service it sees (istiod's
 * buildSidecarOutboundTCPTLSFilterChainOpts): the {@code tcp} rules of the VirtualService that claims the
 * service's host, first applying rule wins; without one, the service's default cluster.
 */
final class TcpRouteBuilder {
    private final IstioConfig config;

    TcpRouteBuilder(IstioConfig config) {
        this.config = config;
    }

    Map<String, TcpRoute> sidecar(ProxyContext proxy, RouteTableBuilder.Visibility visible, Set<String> used) {
        Map<String, VirtualService> claims = RouteTableBuilder.meshClaims(config, proxy);
        Map<String, TcpRoute> out = new LinkedHashMap<>();
        for (ServiceSpec s : config.services.values()) {
            if (s.protocol() != Protocol.TCP || !visible.test(s.fqdn(), s.namespace())) {
                continue;
            }
            String key = TcpRoute.key(s.fqdn(), s.port());
            VirtualService vs = RouteTableBuilder.claim(claims, s.fqdn());
            TcpRoute route = vs == null ? null : fromVirtualService(key, vs, s, proxy);
            if (route != null) {
                used.add("VirtualService " + vs.key());
            }
            out.put(key, route != null ? route : defaultRoute(key, s, vs));
        }
        return out;
    }

    private TcpRoute fromVirtualService(String key, VirtualService vs, ServiceSpec s, ProxyContext proxy) {
        for (int i = 0; i < vs.tcp().size(); i++) {
            TcpRule rule = vs.tcp().get(i);
            String matched = matches(rule, s.port(), vs, proxy);
            if (matched == null) {
                continue;
            }
            List<TcpRoute.Destination> destinations = new ArrayList<>();
            boolean single = rule.route().size() == 1;
            for (RouteDestination rd : rule.route()) {
                Destination d = rd.destination();
                String host = HostNames.fqdn(d.host(), vs.namespace());
                int port = d.port() != 0 ? d.port() : config.defaultPort(host);
                int weight = single ? 100 : rd.weight() == null ? 0 : rd.weight();
                destinations.add(new TcpRoute.Destination(ClusterConfig.name("outbound", port, d.subset(), host), host,
                        d.subset(), port, weight));
            }
            if (destinations.isEmpty() || destinations.stream().mapToInt(TcpRoute.Destination::weight).sum() <= 0) {
                continue;
            }
            return new TcpRoute(key, vs.key(), i, destinations, "VirtualService " + vs.key() + " tcp rule " + i + ": " + matched);
        }
        return null;
    }

    /** Why the rule applies ("no match", "match 1: port 5432"), or null when none of its blocks does. */
    private static String matches(TcpRule rule, int port, VirtualService vs, ProxyContext proxy) {
        if (rule.match().isEmpty()) {
            return "no match: every connection";
        }
        for (int b = 0; b < rule.match().size(); b++) {
            L4Match m = rule.match().get(b);
            if (applies(m, port, vs, proxy)) {
                return "match " + b + (m.port() != 0 ? ": port " + m.port() : "") + " applies";
            }
        }
        return null;
    }

    /** istiod's matchTCP: port, sourceLabels, sourceNamespace and gateways (mesh) must all hold. */
    private static boolean applies(L4Match m, int port, VirtualService vs, ProxyContext proxy) {
        if (!m.subnets().isEmpty() || m.port() != 0 && m.port() != port) {
            return false;
        }
        for (Map.Entry<String, String> e : m.sourceLabels().entrySet()) {
            if (!e.getValue().equals(proxy.labels().get(e.getKey()))) {
                return false;
            }
        }
        if (!m.sourceNamespace().isEmpty() && !m.sourceNamespace().equals(proxy.namespace())) {
            return false;
        }
        return m.gateways().isEmpty() || m.gateways().contains("mesh");
    }

    private static TcpRoute defaultRoute(String key, ServiceSpec s, VirtualService vs) {
        String cluster = ClusterConfig.name("outbound", s.port(), "", s.fqdn());
        String why = vs == null ? "no VirtualService: the service's default cluster"
                : "VirtualService " + vs.key() + " has no tcp rule for this connection: the service's default cluster";
        return new TcpRoute(key, "", -1, List.of(new TcpRoute.Destination(cluster, s.fqdn(), "", s.port(), 100)), why);
    }
}
