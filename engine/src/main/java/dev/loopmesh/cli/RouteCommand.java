package dev.loopmesh.cli;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.RegistryPlanner;
import dev.loopmesh.controlplane.istio.IstioTranslator;
import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.policy.routing.RequestView;
import dev.loopmesh.policy.routing.RoutingDecision;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code loopmesh route FILE… --from WORKLOAD [--header k=v]… METHOD URL}: which rule, subset and
 * endpoints a request would get, and why, without starting the mesh (Envoy's router_check_tool on
 * Istio YAML). It runs the same translation and route table the live proxies run. With
 * {@code tcp://HOST:PORT} or {@code tls://SNI:PORT} instead of METHOD URL it answers for a TCP connection
 * ({@link TcpRouteQuery}).
 */
@Command(name = "route", mixinStandardHelpOptions = true,
        description = "Show, offline, how a request would be routed: rule, subset, endpoints and why.")
public final class RouteCommand implements Callable<Integer> {
    private final Function<List<Path>, Topology> loader;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE… METHOD URL", arity = "1..*",
            description = "topology files, then the request's method and URL (http://reviews:9080/reviews/0), "
                    + "or a TCP connection: tcp://HOST:PORT, tls://SNI:PORT")
    private List<String> args = new ArrayList<>();

    @Option(names = "--from", required = true, description = "the caller: a workload (productpage-v1), a pod, or `ingress`")
    private String from;

    @Option(names = "--header", paramLabel = "k=v", description = "a request header (repeatable)")
    private List<String> headers = new ArrayList<>();

    @Option(names = "--output", defaultValue = "text", description = "text or json")
    private String output;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the weighted pick")
    private long seed;

    @Option(names = "--source-ip", description = "TCP: the address the app connects from (default 127.0.0.1, an unbound "
            + "socket's on loopback)")
    private String tcpSourceIp;

    @Option(names = "--destination-ip", description = "TCP: the address the app connects to (default: the caller pod's, "
            + "where its sidecar listens)")
    private String tcpDestinationIp;

    /** @param loader reads topology files (the lead wires TopologyLoader here) */
    public RouteCommand(Function<List<Path>, Topology> loader) {
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!output.equals("text") && !output.equals("json")) {
            err.println("--output: `" + output + "` (expected: text or json)");
            return 2;
        }
        boolean tcp = !args.isEmpty() && TcpRouteQuery.Target.applies(args.get(args.size() - 1));
        if (args.size() < (tcp ? 2 : 3)) {
            err.println("expected: FILE… METHOD URL or FILE… tcp://HOST:PORT (at least one file, then a method and a URL, or a TCP target)");
            return 2;
        }
        List<Path> files = new ArrayList<>();
        for (String f : args.subList(0, args.size() - (tcp ? 1 : 2))) {
            files.add(Path.of(f));
        }
        String method = tcp ? "" : args.get(args.size() - 2).toUpperCase(Locale.ROOT);
        String url = args.get(args.size() - 1);
        Topology topology;
        try {
            topology = loader.apply(files);
        } catch (RuntimeException e) {
            err.println(e.getMessage());
            return 2;
        }
        Registry registry = RegistryPlanner.perPodAddresses(topology.mesh(), 1,
                dev.loopmesh.controlplane.istio.ServiceEntries.tcpKeys(topology.mesh(), topology.resources()));
        IstioTranslator translator = new IstioTranslator();
        for (Problem p : translator.analyze(registry, topology.resources())) {
            err.println(p);
        }
        String proxy;
        String sourceIp;
        if (from.equals("ingress")) {
            proxy = Registry.GATEWAY;
            sourceIp = "127.0.0.1";
        } else {
            PodInfo pod = registry.pods().stream().filter(p -> p.name().equals(from) || p.workload().equals(from)
                    || p.service().equals(from)).findFirst().orElse(null);
            if (pod == null) {
                err.println("--from: `" + from + "` is no workload, pod or service of mesh " + topology.mesh().name()
                        + " (expected: like " + (registry.pods().isEmpty() ? "ingress" : registry.pods().get(0).workload()) + " or ingress)");
                return 2;
            }
            if (!pod.sidecar()) {
                err.println("--from: pod " + pod.name() + " has no sidecar: its requests are not routed by the mesh");
                return 2;
            }
            proxy = pod.name();
            sourceIp = pod.address();
            if (tcp) {
                return tcp(out, err, translator.translate(registry, topology.resources(), 0).get(proxy), pod, url);
            }
        }
        if (tcp) {
            err.println("--from ingress: the gateway has no outbound TCP listeners (expected: a workload with a sidecar)");
            return 2;
        }
        RequestView request;
        try {
            request = request(method, url, sourceIp);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        List<MeshResource> resources = topology.resources();
        ProxySnapshot snapshot = translator.translate(registry, resources, 0).get(proxy);
        RoutingDecision d = snapshot.routes().route(request, new SplittableRandom(seed));
        ClusterConfig cluster = snapshot.clusters().get(d.cluster());
        List<Endpoint> endpoints = cluster == null ? List.of() : cluster.endpoints();
        if (output.equals("json")) {
            out.println(json(proxy, d, endpoints, cluster));
        } else {
            text(out, proxy, d, endpoints, cluster);
        }
        out.flush();
        return 0;
    }

    private int tcp(PrintWriter out, PrintWriter err, ProxySnapshot snapshot, PodInfo pod, String target) {
        TcpRouteQuery.Answer a;
        TcpRouteQuery.Target t;
        try {
            t = TcpRouteQuery.Target.parse(target);
            a = TcpRouteQuery.route(snapshot, pod, t, tcpDestinationIp == null ? pod.address() : tcpDestinationIp,
                    tcpSourceIp == null ? "127.0.0.1" : tcpSourceIp, seed);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        if (output.equals("json")) {
            out.println(TcpRouteQuery.json(pod.name(), a, t.tls() ? t.host() : ""));
        } else {
            TcpRouteQuery.text(out, pod.name(), a);
        }
        out.flush();
        return 0;
    }

    private RequestView request(String method, String url, String sourceIp) {
        URI uri;
        try {
            uri = new URI(url.startsWith("/") ? "http://localhost" + url : url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("URL `" + url + "` is not valid: " + e.getReason() + " (expected: like http://reviews:9080/reviews/0)");
        }
        if (uri.getRawAuthority() == null || uri.getScheme() == null) {
            throw new IllegalArgumentException("URL `" + url + "` has no host (expected: like http://reviews:9080/reviews/0)");
        }
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        int port = uri.getPort() > 0 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 80;
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (String kv : headers) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--header `" + kv + "` (expected: name=value)");
            }
            h.computeIfAbsent(kv.substring(0, eq).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(kv.substring(eq + 1));
        }
        return new RequestView(method, uri.getScheme(), uri.getRawAuthority(), path, port, h, sourceIp);
    }

    private static void text(PrintWriter out, String proxy, RoutingDecision d, List<Endpoint> endpoints, ClusterConfig cluster) {
        out.println("proxy:          " + proxy);
        out.println("outcome:        " + d.outcome() + (d.status() != 0 ? " " + d.status() : ""));
        if (!d.virtualService().isEmpty()) {
            // a rule generated from a Gateway API route names the route: "httpRoute:      default/reviews rule 1"
            String label = Character.toLowerCase(d.routeKind().charAt(0)) + d.routeKind().substring(1) + ":";
            label = label.startsWith("hTTP") ? "httpRoute:" : label.startsWith("gRPC") ? "grpcRoute:" : label;
            out.println(String.format("%-16s", label) + d.virtualService() + " rule " + d.ruleIndex()
                    + (d.routeName().isEmpty() ? "" : " (name \"" + d.routeName() + "\")"));
        } else if (!d.routeName().isEmpty()) {
            out.println("route:          " + d.routeName());
        }
        if (!d.cluster().isEmpty()) {
            out.println("cluster:        " + d.cluster() + (cluster == null && d.outcome() == RoutingDecision.Outcome.ROUTE
                    ? " (no such cluster: " + d.clusterNotFoundStatus() + " NC)" : ""));
        }
        if (!d.destinationHost().isEmpty()) {
            out.println("destination:    " + d.destinationHost() + (d.subset().isEmpty() ? "" : " subset " + d.subset())
                    + (d.destinationPort() > 0 ? " port " + d.destinationPort() : ""));
        }
        if (cluster != null) {
            out.println("load balancer:  " + cluster.lb().kind() + (cluster.destinationRule().isEmpty() ? "" : " (DestinationRule " + cluster.destinationRule() + ")"));
            List<String> eps = new ArrayList<>();
            for (Endpoint e : endpoints) {
                eps.add(e.pod() + " (" + e.hostPort() + ")");
            }
            out.println("endpoints:      " + (eps.isEmpty() ? "none: 503 UH" : String.join(", ", eps)));
        }
        if (d.rewritePath() != null) {
            out.println("rewrite path:   " + d.rewritePath());
        }
        if (d.rewriteAuthority() != null) {
            out.println("rewrite host:   " + d.rewriteAuthority());
        }
        if (d.outcome() == RoutingDecision.Outcome.REDIRECT) {
            out.println("location:       " + d.body());
        }
        if (d.timeout() != null) {
            out.println("timeout:        " + dev.loopmesh.topology.Durations.format(d.timeout()));
        }
        out.println("retries:        " + d.retry().attempts() + (d.retry().attempts() > 0 ? " on " + String.join(",", new java.util.TreeSet<>(d.retry().retryOn())) : ""));
        if (d.fault() != null) {
            out.println("fault:          " + d.fault());
        }
        out.println("trace:");
        for (String t : d.trace()) {
            out.println("  " + t);
        }
    }

    static String json(String proxy, RoutingDecision d, List<Endpoint> endpoints, ClusterConfig cluster) {
        StringBuilder b = new StringBuilder("{");
        field(b, "proxy", proxy).append(',');
        field(b, "outcome", d.outcome().name()).append(',');
        field(b, "virtualService", d.virtualService()).append(',');
        field(b, "routeKind", d.routeKind()).append(',');
        b.append("\"ruleIndex\":").append(d.ruleIndex()).append(',');
        field(b, "routeName", d.routeName()).append(',');
        field(b, "cluster", d.cluster()).append(',');
        b.append("\"clusterFound\":").append(cluster != null).append(',');
        field(b, "destinationHost", d.destinationHost()).append(',');
        field(b, "subset", d.subset()).append(',');
        b.append("\"destinationPort\":").append(d.destinationPort()).append(',');
        b.append("\"status\":").append(d.status()).append(',');
        if (d.rewritePath() != null) {
            field(b, "rewritePath", d.rewritePath()).append(',');
        }
        if (d.outcome() == RoutingDecision.Outcome.REDIRECT) {
            field(b, "location", d.body()).append(',');
        }
        b.append("\"retryAttempts\":").append(d.retry().attempts()).append(',');
        b.append("\"timeoutMillis\":").append(d.timeout() == null ? "null" : String.valueOf(d.timeout().toMillis())).append(',');
        b.append("\"endpoints\":[");
        for (int i = 0; i < endpoints.size(); i++) {
            b.append(i > 0 ? "," : "");
            string(b, endpoints.get(i).pod());
        }
        b.append("],\"trace\":[");
        for (int i = 0; i < d.trace().size(); i++) {
            b.append(i > 0 ? "," : "");
            string(b, d.trace().get(i));
        }
        return b.append("]}").toString();
    }

    static StringBuilder field(StringBuilder b, String name, String value) {
        string(b, name);
        b.append(':');
        string(b, value);
        return b;
    }

    static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        b.append('"');
    }
}
