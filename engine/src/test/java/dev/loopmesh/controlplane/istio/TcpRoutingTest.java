package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.controlplane.RegistryPlanner;
import dev.loopmesh.policy.routing.TcpRoute;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Severity;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TopologyLoader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** VirtualService {@code tcp} rules as istiod builds a sidecar's outbound TCP filter chain. */
class TcpRoutingTest {
    private static final String MESH = """
            apiVersion: loopmesh.dev/v1
            kind: Mesh
            metadata: {name: tcp}
            spec:
              services:
              - {name: web, port: 5432, workloads: [{version: v1}]}
              - {name: db, port: 5432, protocol: tcp, workloads: [{version: v1}, {version: v2}]}
              - {name: cache, port: 5432, protocol: tcp, workloads: [{version: v1}]}
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: db}
            spec:
              host: db
              subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
            """;
    private static final String DB = "db.default.svc.cluster.local:5432";

    private static Topology load(String yaml) {
        return new TopologyLoader().loadString("tcp.yaml", yaml);
    }

    private static Map<String, ProxySnapshot> translate(Topology t) {
        return new IstioTranslator().translate(RegistryPlanner.perPodAddresses(t.mesh(), 1), t.resources(), 1);
    }

    @Test
    void withoutAVirtualServiceATcpServiceGoesToItsDefaultCluster() {
        TcpRoute r = translate(load(MESH)).get("web-v1-0").tcpRoutes().get(DB);
        assertThat(r.destinations()).extracting(TcpRoute.Destination::cluster).containsExactly("outbound|5432||db.default.svc.cluster.local");
        assertThat(r.virtualService()).isEmpty();
        assertThat(r.why()).isEqualTo("no VirtualService: the service's default cluster");
    }

    @Test
    void theFirstTcpRuleWhoseMatchAppliesRoutesWithItsWeights() {
        // Istio TCPRoute: "the first rule matching an incoming request is used"; L4MatchAttributes.port is the service port
        Topology t = load(MESH + """
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: db}
                spec:
                  hosts: [db]
                  tcp:
                  - match: [{port: 27017}]
                    route: [{destination: {host: db, subset: v1}}]
                  - match: [{port: 5432, sourceNamespace: default}]
                    route:
                    - {destination: {host: db, subset: v1}, weight: 20}
                    - {destination: {host: db, subset: v2}, weight: 80}
                """);
        TcpRoute r = translate(t).get("web-v1-0").tcpRoutes().get(DB);
        assertThat(r.virtualService()).isEqualTo("default/db");
        assertThat(r.ruleIndex()).isEqualTo(1);
        assertThat(r.why()).isEqualTo("VirtualService default/db tcp rule 1: match 0: port 5432 applies");
        assertThat(r.destinations()).extracting(TcpRoute.Destination::weight).containsExactly(20, 80);
        SplittableRandom random = new SplittableRandom(11);
        int v2 = 0;
        for (int i = 0; i < 1000; i++) {
            if (r.pick(random).subset().equals("v2")) {
                v2++;
            }
        }
        assertThat(v2).isBetween(740, 860);
        // the other TCP service keeps its default route
        assertThat(translate(t).get("web-v1-0").tcpRoutes().get("cache.default.svc.cluster.local:5432").virtualService()).isEmpty();
    }

    @Test
    void tcpRulesAreValidatedAsIstioDoes() {
        // Istio validation: "TCP route is required"; weights are checked like http's; subnets cannot apply on loopback
        Topology t = load(MESH);
        List<Problem> problems = new IstioTranslator().validate(TestYaml.resources("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: db}
                spec:
                  hosts: [db]
                  tcp:
                  - match: [{port: 5432}]
                  - match: [{destinationSubnets: [10.0.0.0/8]}]
                    route: [{destination: {host: db, subset: v1}, weight: 0}, {destination: {host: db, subset: v2}, weight: 0}]
                """).get(0), RegistryPlanner.perPodAddresses(t.mesh(), 1));
        assertThat(problems).extracting(Problem::toString).containsExactly(
                "test.yaml:7:5: error LM0307: a tcp rule needs `route` (Istio: \"TCP route is required\") (at spec.tcp[0])",
                "test.yaml:8:34: warning LM0306: destinationSubnets and sourceSubnet are not applied by Loopmesh (no service VIPs on "
                        + "loopback): this match block never matches (at spec.tcp[1].match[0].destinationSubnets)",
                "test.yaml:9:12: error LM0310: the weights of 2 destinations add up to 0 (expected: at least one destination with "
                        + "weight > 0) (at spec.tcp[1].route)");
        assertThat(problems.get(1).severity()).isEqualTo(Severity.WARNING);
    }

    @Test
    void anUndefinedSubsetInATcpRouteIsReportedLikeAnHttpOne() {
        Topology t = load(MESH + """
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: db}
                spec:
                  hosts: [db]
                  tcp: [{route: [{destination: {host: db, subset: v9}}]}]
                """);
        assertThat(new IstioTranslator().analyze(RegistryPlanner.perPodAddresses(t.mesh(), 1), t.resources()))
                .anySatisfy(p -> assertThat(p.toString()).contains("LM0311", "subset `v9` of host db.default.svc.cluster.local",
                        "(at spec.tcp[0].route[0].destination.subset)"));
    }

    @Test
    void eachSidecarListensForEveryTcpServiceOnItsOwnPortOrTheNextFreeOne() {
        // web's own app is on 5432, so db and cache take 15100 and 15101 on web's address
        var registry = RegistryPlanner.perPodAddresses(load(MESH).mesh(), 1);
        assertThat(registry.pod("web-v1-0").orElseThrow().tcpOutbound())
                .containsExactly(Map.entry(DB, 15100), Map.entry("cache.default.svc.cluster.local:5432", 15101));
        var shared = RegistryPlanner.sharedLoopback(load(MESH).mesh());
        assertThat(shared.pod("web-v1-0").orElseThrow().tcpOutbound()).containsOnlyKeys(DB, "cache.default.svc.cluster.local:5432");
    }
}
