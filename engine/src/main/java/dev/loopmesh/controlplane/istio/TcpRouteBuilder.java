package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.istio.VirtualService.Destination;
import dev.loopmesh.controlplane.istio.VirtualService.L4Match;
import dev.loopmesh.controlplane.istio.VirtualService.RouteDestination;
import dev.loopmesh.controlplane.istio.VirtualService.TcpRule;
import dev.loopmesh.policy.authz.IpBlock;
import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.policy.routing.ConnectionMatch;
import dev.loopmesh.policy.routing.TcpListenerRoutes;
import dev.loopmesh.policy.routing.TcpRoute;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sidecar's outbound TCP listeners' routes, one listener per {@code protocol: tcp} service and per TCP/TLS
 * port of a ServiceEntry it sees (istiod's buildSidecarOutboundTCPTLSFilterChainOpts). For the VirtualService
 * that claims the host: a filter chain per applying match block of each {@code tls} rule (matched by SNI
 * and destinationSubnets), then of each {@code tcp} rule (destinationSubnets, sourceSubnet), where a block
 * without runtime conditions takes every connection and ends the list; the host's default cluster last
 * unless such a block did. Port, sourceLabels, sourceNamespace and gateways are decided here, per proxy.
 */
final class TcpRouteBuilder {
    /** A TCP port the sidecar listens for: the host (service FQDN or ServiceEntry host) and its port. */
    record Target(String host, String namespace, int port) {
    }

    private final IstioConfig config;

    TcpRouteBuilder(IstioConfig config) {
        this.config = config;
    }

    Map<String, TcpListenerRoutes> sidecar(ProxyContext proxy, List<Target> targets, Set<String> used) {
        Map<String, VirtualService> claims = RouteTableBuilder.meshClaims(config, proxy);
        Map<String, TcpListenerRoutes> out = new LinkedHashMap<>();
        for (Target t : targets) {
            String key = TcpRoute.key(t.host(), t.port());
            VirtualService vs = RouteTableBuilder.claim(claims, t.host());
            List<TcpRoute> routes = new ArrayList<>();
            boolean terminal = false;
            if (vs != null) {
                routes.addAll(chains(key, vs, vs.tls(), "tls", t, proxy));
                for (TcpRoute r : chains(key, vs, vs.tcp(), "tcp", t, proxy)) {
                    routes.add(r);
                    terminal |= r.match().isAny();
                }
                if (!routes.isEmpty()) {
                    used.add("VirtualService " + vs.key());
                }
            }
            if (!terminal) {
                routes.add(defaultRoute(key, t, vs, !routes.isEmpty()));
            }
            out.put(key, new TcpListenerRoutes(key, routes));
        }
        return out;
    }

    private List<TcpRoute> chains(String key, VirtualService vs, List<TcpRule> rules, String kind, Target t, ProxyContext proxy) {
        List<TcpRoute> out = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            TcpRule rule = rules.get(i);
            List<TcpRoute.Destination> destinations = destinations(vs, rule);
            if (destinations.isEmpty()) {
                continue;
            }
            String at = "VirtualService " + vs.key() + " " + kind + " rule " + i + ": ";
            if (rule.match().isEmpty()) {
                out.add(new TcpRoute(key, vs.key(), i, destinations, at + "no match: every connection", kind, ConnectionMatch.ANY));
                return out; // istiod: an implicit match is the catch-all, later rules never apply
            }
            for (int b = 0; b < rule.match().size(); b++) {
                L4Match m = rule.match().get(b);
                if (!applies(m, t.port(), proxy)) {
                    continue;
                }
                ConnectionMatch cm = new ConnectionMatch(m.sniHosts(), blocks(m.destinationSubnets()),
                        m.sourceSubnet().isEmpty() ? List.of() : blocks(List.of(m.sourceSubnet())));
                String conditions = cm.isAny() ? "" : " (" + cm.describe() + ")";
                out.add(new TcpRoute(key, vs.key(), i, destinations, at + "match " + b + (m.port() != 0 ? ": port " + m.port() : "")
                        + " applies" + conditions, kind, cm));
                if (cm.isAny()) {
                    return out; // a block without runtime conditions takes every connection: the rest never apply
                }
            }
        }
        return out;
    }

    private List<TcpRoute.Destination> destinations(VirtualService vs, TcpRule rule) {
        List<TcpRoute.Destination> destinations = new ArrayList<>();
        boolean single = rule.route().size() == 1;
        for (RouteDestination rd : rule.route()) {
            Destination d = rd.destination();
            String host = HostNames.fqdn(d.host(), vs.namespace());
            int port = d.port() != 0 ? d.port() : config.defaultPort(host);
            int weight = single ? 100 : rd.weight() == null ? 0 : rd.weight();
            destinations.add(new TcpRoute.Destination(ClusterConfig.name("outbound", port, d.subset(), host), host, d.subset(), port, weight));
        }
        if (destinations.stream().mapToInt(TcpRoute.Destination::weight).sum() <= 0) {
            return List.of();
        }
        return destinations;
    }

    private static List<IpBlock> blocks(List<String> cidrs) {
        List<IpBlock> out = new ArrayList<>(cidrs.size());
        for (String c : cidrs) {
            out.add(IpBlock.parse(c)); // validated when bound
        }
        return out;
    }

    /** istiod's matchTCP / matchTLS: port, sourceLabels, sourceNamespace and gateways (mesh) must all hold. */
    private static boolean applies(L4Match m, int port, ProxyContext proxy) {
        if (m.port() != 0 && m.port() != port) {
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

    private static TcpRoute defaultRoute(String key, Target t, VirtualService vs, boolean afterRules) {
        String cluster = ClusterConfig.name("outbound", t.port(), "", t.host());
        String why = vs == null ? "no VirtualService: the service's default cluster"
                : afterRules ? "VirtualService " + vs.key() + ": no rule took the connection: the service's default cluster"
                : "VirtualService " + vs.key() + " has no tcp rule for this connection: the service's default cluster";
        return new TcpRoute(key, "", -1, List.of(new TcpRoute.Destination(cluster, t.host(), "", t.port(), 100)), why);
    }
}
