package dev.loopmesh.bench.jmh;

import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.RegistryPlanner;
import dev.loopmesh.controlplane.istio.IstioTranslator;
import dev.loopmesh.policy.routing.RequestView;
import dev.loopmesh.policy.routing.RouteTable;
import dev.loopmesh.policy.routing.RoutingDecision;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TopologyLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Route matching over a large route table: one sidecar's IstioRouteTable with {@code services} virtual
 * hosts, built by the real translator from generated VirtualServices (a header rule, a prefix rule and a
 * 50/30/20 weighted default per service) and DestinationRules.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteMatchBenchmark {
    @Param({"1000"})
    int services;

    private RouteTable table;
    private RequestView weighted;
    private RequestView jason;
    private RequestView prefix;
    private RequestView unknown;
    private final SplittableRandom random = new SplittableRandom(1);

    /** The mesh document: N services of three versions with no pods (routes need none), and one client pod. */
    static String topology(int services) {
        StringBuilder y = new StringBuilder();
        y.append("apiVersion: loopmesh.dev/v1\nkind: Mesh\nmetadata: {name: routes}\nspec:\n  namespace: default\n  services:\n");
        y.append("  - {name: client, port: 8080, workloads: [{version: v1}]}\n");
        for (int i = 0; i < services; i++) {
            y.append("  - {name: svc-").append(i).append(", port: 8080, workloads: [{version: v1, replicas: 0}, {version: v2, replicas: 0}, "
                    + "{version: v3, replicas: 0}]}\n");
        }
        for (int i = 0; i < services; i++) {
            String s = "svc-" + i;
            y.append("""
                    ---
                    apiVersion: networking.istio.io/v1
                    kind: DestinationRule
                    metadata: {name: %1$s}
                    spec:
                      host: %1$s
                      subsets:
                      - {name: v1, labels: {version: v1}}
                      - {name: v2, labels: {version: v2}}
                      - {name: v3, labels: {version: v3}}
                    ---
                    apiVersion: networking.istio.io/v1
                    kind: VirtualService
                    metadata: {name: %1$s}
                    spec:
                      hosts: [%1$s]
                      http:
                      - match: [{headers: {end-user: {exact: jason}}}]
                        route: [{destination: {host: %1$s, subset: v2}}]
                      - match: [{uri: {prefix: /api/v3}}]
                        route: [{destination: {host: %1$s, subset: v3}}]
                      - route:
                        - {destination: {host: %1$s, subset: v1}, weight: 50}
                        - {destination: {host: %1$s, subset: v2}, weight: 30}
                        - {destination: {host: %1$s, subset: v3}, weight: 20}
                    """.formatted(s));
        }
        return y.toString();
    }

    static RouteTable clientRoutes(int services) {
        Topology t = new TopologyLoader().loadString("routes.yaml", topology(services));
        Registry registry = RegistryPlanner.perPodAddresses(t.mesh(), 1);
        Map<String, ProxySnapshot> snapshots = new IstioTranslator().translate(registry, t.resources(), 1);
        return snapshots.get("client-v1-0").routes();
    }

    static RequestView get(String authority, String path, Map<String, List<String>> headers) {
        return new RequestView("GET", "http", authority, path, 8080, headers, "127.1.0.1");
    }

    @Setup
    public void setUp() {
        table = clientRoutes(services);
        Map<String, List<String>> common = Map.of("host", List.of("svc-500:8080"), "user-agent", List.of("curl/8"),
                "accept", List.of("*/*"), "x-request-id", List.of("5f0c1a2e-0000-4000-8000-000000000000"));
        weighted = get("svc-500:8080", "/productpage", common);
        jason = get("svc-500:8080", "/productpage", Map.of("host", List.of("svc-500:8080"), "end-user", List.of("jason")));
        prefix = get("svc-999:8080", "/api/v3/items", common);
        unknown = get("example.internal:8080", "/", common);
        RoutingDecision d = table.route(weighted, random);
        if (d.outcome() != RoutingDecision.Outcome.ROUTE || !d.cluster().contains("svc-500")) {
            throw new IllegalStateException("unexpected route: " + d);
        }
    }

    /** Two rules tried and missed, then the weighted default: the common case. */
    @Benchmark
    public RoutingDecision weightedDefaultRule() {
        return table.route(weighted, random);
    }

    @Benchmark
    public RoutingDecision headerRuleMatches() {
        return table.route(jason, random);
    }

    @Benchmark
    public RoutingDecision prefixRuleMatches() {
        return table.route(prefix, random);
    }

    /** No virtual host: ALLOW_ANY's PassthroughCluster. */
    @Benchmark
    public RoutingDecision unknownHostPassthrough() {
        return table.route(unknown, random);
    }
}
