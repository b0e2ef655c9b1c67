package dev.loopmesh.cli;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.policy.routing.TcpListenerRoutes;
import dev.loopmesh.policy.routing.TcpRoute;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code loopmesh route FILE… --from WORKLOAD tcp://HOST:PORT} (or {@code tls://SNI:PORT}): which of the
 * caller's outbound TCP listeners the connection reaches, which filter chain (tls or tcp rule, or the
 * default route) takes it, the weighted cluster and its endpoints — the same selection the live listener
 * makes ({@link TcpListenerRoutes#select}), printed in {@link RouteCommand}'s shape.
 *
 * <p>{@code tcp://HOST:PORT} is the listener of that service or ServiceEntry host; {@code tls://SNI:PORT} is a
 * TLS connection naming SNI: to the listener of host SNI on PORT if there is one, else to the listener on
 * PORT whose tls rules name it (Istio shares one listener per port among its hosts' SNI chains).
 */
final class TcpRouteQuery {
    /** A parsed {@code tcp://} or {@code tls://} target. */
    record Target(boolean tls, String host, int port) {
        static boolean applies(String arg) {
            String a = arg.toLowerCase(Locale.ROOT);
            return a.startsWith("tcp://") || a.startsWith("tls://");
        }

        static Target parse(String arg) {
            String rest = arg.substring(6);
            int colon = rest.lastIndexOf(':');
            if (colon <= 0 || rest.indexOf('/') >= 0) {
                throw new IllegalArgumentException("`" + arg + "` (expected: tcp://HOST:PORT or tls://SNI:PORT, like tcp://db:5432)");
            }
            int port;
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("`" + arg + "`: port `" + rest.substring(colon + 1) + "` (expected: 1..65535)");
            }
            return new Target(arg.toLowerCase(Locale.ROOT).startsWith("tls://"), rest.substring(0, colon).toLowerCase(Locale.ROOT), port);
        }
    }

    /** The answer: the listener (service key), the chain that took the connection (null: none) and what it picked. */
    record Answer(String listener, TcpRoute route, TcpRoute.Destination destination, ClusterConfig cluster, List<String> trace) {
    }

    private TcpRouteQuery() {
    }

    /**
     * Routes the connection as {@code pod}'s sidecar would; throws IllegalArgumentException when no listener
     * of the pod fits the target (bad input).
     */
    static Answer route(ProxySnapshot snapshot, PodInfo pod, Target t, String destinationIp, String sourceIp, long seed) {
        String key = listener(snapshot, pod, t);
        TcpListenerRoutes routes = snapshot.tcpRoutes().get(key);
        List<String> trace = new ArrayList<>();
        Integer port = pod.tcpOutbound().get(key);
        trace.add("listener " + (port == null ? "?" : destinationIp + ":" + port) + " (tcp_proxy for " + key + "), "
                + routes.routes().size() + " filter chain" + (routes.routes().size() == 1 ? "" : "s")
                + (routes.inspectsSni() ? ", reads the ClientHello's SNI" : ""));
        String sni = t.tls() ? t.host() : "";
        TcpRoute r = routes.select(sni, destinationIp, sourceIp);
        if (r == null) {
            trace.add("no filter chain matches SNI " + (sni.isEmpty() ? "(none)" : sni) + ", destination " + destinationIp
                    + ", source " + sourceIp + ": the connection is closed (NR)");
            return new Answer(key, null, null, null, trace);
        }
        trace.add(r.why());
        TcpRoute.Destination d = r.pick(new SplittableRandom(seed));
        if (r.destinations().size() > 1) {
            int total = r.destinations().stream().mapToInt(TcpRoute.Destination::weight).sum();
            trace.add("weighted pick (seed " + seed + "): " + d.host() + (d.subset().isEmpty() ? "" : " subset " + d.subset())
                    + " (weight " + d.weight() + " of " + total + ")");
        }
        return new Answer(key, r, d, snapshot.clusters().get(d.cluster()), trace);
    }

    private static String listener(ProxySnapshot snapshot, PodInfo pod, Target t) {
        Map<String, TcpListenerRoutes> all = snapshot.tcpRoutes();
        String ns = pod.namespace();
        for (String host : List.of(t.host(), t.host() + "." + ns + ".svc.cluster.local", t.host() + ".svc.cluster.local")) {
            if (all.containsKey(TcpRoute.key(host, t.port()))) {
                return TcpRoute.key(host, t.port());
            }
        }
        List<String> onPort = new ArrayList<>();
        for (Map.Entry<String, TcpListenerRoutes> e : all.entrySet()) {
            if (e.getKey().endsWith(":" + t.port())) {
                onPort.add(e.getKey());
                if (t.tls() && e.getValue().routes().stream().anyMatch(r -> r.match().sniHosts().stream()
                        .anyMatch(h -> h.equals(t.host()) || h.equals("*") || h.startsWith("*.") && t.host().endsWith(h.substring(1))))) {
                    return e.getKey();
                }
            }
        }
        if (t.tls() && onPort.size() == 1) {
            return onPort.get(0);
        }
        throw new IllegalArgumentException((t.tls() ? "tls://" : "tcp://") + t.host() + ":" + t.port() + ": " + pod.name()
                + " has no outbound TCP listener for it (expected one of: " + String.join(", ", all.keySet()) + ")");
    }

    static void text(PrintWriter out, String proxy, Answer a) {
        out.println("proxy:          " + proxy);
        out.println("listener:       " + a.listener());
        out.println("outcome:        " + (a.route() == null ? "NO_ROUTE (connection closed, NR)" : "ROUTE"));
        if (a.route() != null && !a.route().virtualService().isEmpty()) {
            out.println("virtualService: " + a.route().virtualService() + " " + a.route().kind() + " rule " + a.route().ruleIndex());
        }
        if (a.destination() != null) {
            out.println("cluster:        " + a.destination().cluster() + (a.cluster() == null ? " (no such cluster: closed, NC)" : ""));
            out.println("destination:    " + a.destination().host() + (a.destination().subset().isEmpty() ? "" : " subset " + a.destination().subset())
                    + " port " + a.destination().port());
        }
        if (a.cluster() != null) {
            out.println("load balancer:  " + a.cluster().lb().kind() + (a.cluster().destinationRule().isEmpty() ? "" : " (DestinationRule "
                    + a.cluster().destinationRule() + ")"));
            List<String> eps = new ArrayList<>();
            for (Endpoint e : a.cluster().endpoints()) {
                eps.add((e.pod().isEmpty() ? e.hostPort() : e.pod()) + " (" + e.hostPort() + ")");
            }
            out.println("endpoints:      " + (eps.isEmpty() ? "none: closed, UH" : String.join(", ", eps)));
        }
        out.println("trace:");
        for (String t : a.trace()) {
            out.println("  " + t);
        }
    }

    /** The JSON of {@link RouteCommand#json}, with the listener, the rule's kind and the SNI added. */
    static String json(String proxy, Answer a, String sni) {
        StringBuilder b = new StringBuilder("{");
        TcpRoute r = a.route();
        TcpRoute.Destination d = a.destination();
        RouteCommand.field(b, "proxy", proxy).append(',');
        RouteCommand.field(b, "outcome", r == null ? "NO_ROUTE" : "ROUTE").append(',');
        RouteCommand.field(b, "virtualService", r == null ? "" : r.virtualService()).append(',');
        b.append("\"ruleIndex\":").append(r == null ? -1 : r.ruleIndex()).append(',');
        RouteCommand.field(b, "routeName", r == null || r.virtualService().isEmpty() ? "" : r.virtualService() + " " + r.kind()
                + "[" + r.ruleIndex() + "]").append(',');
        RouteCommand.field(b, "kind", r == null ? "" : r.kind()).append(',');
        RouteCommand.field(b, "listener", a.listener()).append(',');
        RouteCommand.field(b, "sni", sni).append(',');
        RouteCommand.field(b, "cluster", d == null ? "" : d.cluster()).append(',');
        b.append("\"clusterFound\":").append(a.cluster() != null).append(',');
        RouteCommand.field(b, "destinationHost", d == null ? "" : d.host()).append(',');
        RouteCommand.field(b, "subset", d == null ? "" : d.subset()).append(',');
        b.append("\"destinationPort\":").append(d == null ? 0 : d.port()).append(',');
        b.append("\"status\":0,\"retryAttempts\":0,\"timeoutMillis\":null,");
        b.append("\"endpoints\":[");
        List<Endpoint> eps = a.cluster() == null ? List.of() : a.cluster().endpoints();
        for (int i = 0; i < eps.size(); i++) {
            b.append(i > 0 ? "," : "");
            RouteCommand.string(b, eps.get(i).pod().isEmpty() ? eps.get(i).hostPort() : eps.get(i).pod());
        }
        b.append("],\"trace\":[");
        for (int i = 0; i < a.trace().size(); i++) {
            b.append(i > 0 ? "," : "");
            RouteCommand.string(b, a.trace().get(i));
        }
        return b.append("]}").toString();
    }
}
