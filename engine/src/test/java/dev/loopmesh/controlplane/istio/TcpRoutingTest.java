package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.RegistryPlanner;
import dev.loopmesh.policy.routing.TcpListenerRoutes;
import dev.loopmesh.policy.routing.TcpRoute;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Severity;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TopologyLoader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.loopmesh.testing.TcpTopologies.BY_SNI;
import static dev.loopmesh.testing.TcpTopologies.DB;
import static dev.loopmesh.testing.TcpTopologies.MESH;
import static dev.loopmesh.testing.TcpTopologies.dbVirtualService;
import static org.assertj.core.api.Assertions.assertThat;

/** VirtualService {@code tcp} and {@code tls} rules as istiod builds a sidecar's outbound TCP filter chains. */
class TcpRoutingTest {
    /** The shared mesh plus cache, a second tcp service on db's port. */
    private static final String WITH_CACHE = dev.loopmesh.testing.TcpTopologies.mesh(
            "- {name: cache, port: 5432, protocol: tcp, workloads: [{version: v1}]}");
    private static final String CACHE = "cache.default.svc.cluster.local:5432";
    /** tools' address (the 4th pod of block 1) and web's (the first). */
    private static final String TOOLS_IP = "127.1.0.2";
    private static final String WEB_IP = "127.1.0.1";

    private static Topology load(String yaml) {
        return new TopologyLoader().loadString("tcp.yaml", yaml);
    }

    private static Map<String, ProxySnapshot> translate(Topology t) {
        return new IstioTranslator().translate(registry(t), t.resources(), 1);
    }

    private static Registry registry(Topology t) {
        return RegistryPlanner.perPodAddresses(t.mesh(), 1, ServiceEntries.tcpKeys(t.mesh(), t.resources()));
    }

    private static TcpListenerRoutes routes(String yaml, String pod, String key) {
        return translate(load(yaml)).get(pod).tcpRoutes().get(key);
    }

    /** The subset a connection gets: "" for the default cluster, "(none)" when no chain takes it. */
    private static String subset(TcpListenerRoutes routes, String sni, String destination, String source) {
        TcpRoute r = routes.select(sni, destination, source);
        return r == null ? "(none)" : r.destinations().get(0).subset();
    }

    @Test
    void withoutAVirtualServiceATcpServiceGoesToItsDefaultCluster() {
        TcpListenerRoutes routes = routes(MESH, "web-v1-0", DB);
        assertThat(routes.routes()).hasSize(1);
        TcpRoute r = routes.routes().get(0);
        assertThat(r.destinations()).extracting(TcpRoute.Destination::cluster).containsExactly("outbound|5432||db.default.svc.cluster.local");
        assertThat(r.virtualService()).isEmpty();
        assertThat(r.why()).isEqualTo("no VirtualService: the service's default cluster");
        assertThat(routes.inspectsSni()).isFalse();
    }

    @Test
    void theFirstTcpRuleWhoseMatchAppliesRoutesWithItsWeights() {
        // Istio TCPRoute: "the first rule matching an incoming request is used"; L4MatchAttributes.port is the service port
        Topology t = load(WITH_CACHE + dbVirtualService("""
                tcp:
                - match: [{port: 27017}]
                  route: [{destination: {host: db, subset: v1}}]
                - match: [{port: 5432, sourceNamespace: default}]
                  route:
                  - {destination: {host: db, subset: v1}, weight: 20}
                  - {destination: {host: db, subset: v2}, weight: 80}
                """));
        TcpListenerRoutes routes = translate(t).get("web-v1-0").tcpRoutes().get(DB);
        assertThat(routes.routes()).hasSize(1); // a block without runtime conditions takes every connection: no default chain
        TcpRoute r = routes.routes().get(0);
        assertThat(r.virtualService()).isEqualTo("default/db");
        assertThat(r.ruleIndex()).isEqualTo(1);
        assertThat(r.kind()).isEqualTo("tcp");
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
        assertThat(translate(t).get("web-v1-0").tcpRoutes().get(CACHE).routes().get(0).virtualService()).isEmpty();
    }

    @Test
    void tlsRulesRouteBySniBeforeTheTcpRulesAndAConnectionWithoutSniTakesTheTcpRule() {
        // Istio TLSRoute: "Match conditions to be satisfied for the rule to be activated"; Envoy filter_chain_match
        // server_names: exact names first, then the longest wildcard, then chains without names
        TcpListenerRoutes routes = routes(MESH + dbVirtualService("\"*.db.example.com\"", """
                tls:
                - match: [{sniHosts: ["*.db.example.com"]}]
                  route: [{destination: {host: db, subset: v1}}]
                - match: [{sniHosts: [v2.db.example.com]}]
                  route: [{destination: {host: db, subset: v2}}]
                tcp:
                - route: [{destination: {host: db}}]
                """), "web-v1-0", DB);
        assertThat(routes.inspectsSni()).isTrue();
        assertThat(routes.routes()).extracting(TcpRoute::kind).containsExactly("tls", "tls", "tcp");
        assertThat(subset(routes, "v2.db.example.com", WEB_IP, WEB_IP)).isEqualTo("v2"); // exact beats the earlier wildcard
        assertThat(subset(routes, "V2.DB.example.com", WEB_IP, WEB_IP)).isEqualTo("v2");
        assertThat(subset(routes, "v1.db.example.com", WEB_IP, WEB_IP)).isEqualTo("v1");
        assertThat(subset(routes, "db.example.com", WEB_IP, WEB_IP)).isEmpty(); // the wildcard needs a label in front
        assertThat(subset(routes, "", WEB_IP, WEB_IP)).isEmpty();
        assertThat(routes.select("v2.db.example.com", WEB_IP, WEB_IP).why())
                .isEqualTo("VirtualService default/db tls rule 1: match 0 applies (sni [v2.db.example.com])");
    }

    @Test
    void withOnlyTlsRulesAConnectionNoRuleTakesGoesToTheDefaultCluster() {
        TcpListenerRoutes routes = routes(MESH + dbVirtualService("v2.db.example.com", """
                tls:
                - match: [{sniHosts: [v2.db.example.com], sourceLabels: {app: tools}}]
                  route: [{destination: {host: db, subset: v2}}]
                """), "tools-v1-0", DB);
        assertThat(subset(routes, "v2.db.example.com", TOOLS_IP, TOOLS_IP)).isEqualTo("v2");
        assertThat(subset(routes, "other.example.com", TOOLS_IP, TOOLS_IP)).isEmpty();
        assertThat(routes.routes().get(1).why()).isEqualTo("VirtualService default/db: no rule took the connection: the service's default cluster");
        // sourceLabels is decided per proxy: web gets no tls chain at all
        assertThat(routes(MESH + BY_SNI.replace("sniHosts: [v2.db.example.com]", "sniHosts: [v2.db.example.com], sourceLabels: {app: tools}"),
                "web-v1-0", DB).inspectsSni()).isFalse();
    }

    @Test
    void destinationAndSourceSubnetsAreMatchedPerConnectionMostSpecificFirst() {
        // Istio L4MatchAttributes destinationSubnets / sourceSubnet; Envoy picks the chain with the longest matching
        // destination prefix, chains without one are the fallback; then the longest source prefix
        TcpListenerRoutes routes = routes(MESH + dbVirtualService("""
                tcp:
                - match: [{destinationSubnets: [127.0.0.0/8]}]
                  route: [{destination: {host: db, subset: v1}}]
                - match: [{destinationSubnets: [127.1.0.2/32]}, {sourceSubnet: 127.9.0.0/16}]
                  route: [{destination: {host: db, subset: v2}}]
                """), "tools-v1-0", DB);
        assertThat(routes.routes()).hasSize(4); // three blocks, then the default: no block takes every connection
        assertThat(subset(routes, "", TOOLS_IP, TOOLS_IP)).isEqualTo("v2"); // /32 beats the earlier /8
        assertThat(subset(routes, "", WEB_IP, WEB_IP)).isEqualTo("v1");
        assertThat(subset(routes, "", "10.0.0.1", "127.9.3.4")).isEqualTo("v2"); // not the /8: the source block
        assertThat(subset(routes, "", "10.0.0.1", "10.0.0.2")).isEmpty();
        assertThat(routes.routes().get(1).why()).isEqualTo("VirtualService default/db tcp rule 1: match 0 applies (destination [127.1.0.2/32])");
    }

    @Test
    void tcpAndTlsRulesAreValidatedAsIstioDoes() {
        // Istio validation: "TCP route is required", "TLS route is required", "TLS match must have at least one SNI
        // host", SNI hosts within the VirtualService's hosts; weights as http's; subnets are CIDRs
        Topology t = load(MESH);
        List<Problem> problems = new IstioTranslator().validate(TestYaml.resources("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: db}
                spec:
                  hosts: [db]
                  tcp:
                  - match: [{port: 5432}]
                  - match: [{destinationSubnets: [10.0.0.0/33]}]
                    route: [{destination: {host: db, subset: v1}, weight: 0}, {destination: {host: db, subset: v2}, weight: 0}]
                  tls:
                  - route: [{destination: {host: db}}]
                  - match: [{port: 5432}, {sniHosts: [other.example.com]}]
                """).get(0), registry(t));
        assertThat(problems).extracting(Problem::toString).containsExactly(
                "test.yaml:7:5: error LM0307: a tcp rule needs `route` (Istio: \"TCP route is required\") (at spec.tcp[0])",
                "test.yaml:8:34: error LM0308: `10.0.0.0/33`: prefix length out of range (expected: 0..32) (at spec.tcp[1].match[0].destinationSubnets)",
                "test.yaml:9:12: error LM0310: the weights of 2 destinations add up to 0 (expected: at least one destination with "
                        + "weight > 0) (at spec.tcp[1].route)",
                "test.yaml:11:5: error LM0307: a tls rule needs `match` (Istio: \"TLS route must have at least one match condition\") (at spec.tls[0])",
                "test.yaml:12:13: error LM0307: a tls match needs `sniHosts` (Istio: \"TLS match must have at least one SNI host\") (at spec.tls[1].match[0])",
                "test.yaml:12:38: error LM0308: SNI host `other.example.com` is not a compatible subset of any of the VirtualService's "
                        + "hosts [db] (expected: one of them, or a name under a wildcard host) (at spec.tls[1].match[1].sniHosts)",
                "test.yaml:12:5: error LM0307: a tls rule needs `route` (Istio: \"TLS route is required\") (at spec.tls[1])");
        assertThat(problems).allMatch(p -> p.severity() == Severity.ERROR);
    }

    @Test
    void anUndefinedSubsetInATcpOrTlsRouteIsReportedLikeAnHttpOne() {
        Topology t = load(MESH + dbVirtualService("v2.db.example.com", """
                tcp: [{route: [{destination: {host: db, subset: v9}}]}]
                tls: [{match: [{sniHosts: [v2.db.example.com]}], route: [{destination: {host: db, subset: v8}}]}]
                """));
        assertThat(new IstioTranslator().analyze(registry(t), t.resources()))
                .anySatisfy(p -> assertThat(p.toString()).contains("LM0311", "subset `v9` of host db.default.svc.cluster.local",
                        "(at spec.tcp[0].route[0].destination.subset)"))
                .anySatisfy(p -> assertThat(p.toString()).contains("LM0311", "subset `v8`", "(at spec.tls[0].route[0].destination.subset)"));
    }

    @Test
    void eachSidecarListensForEveryTcpServiceOnItsOwnPortOrTheNextFreeOne() {
        // db takes 5432 on each pod's address; cache, also on 5432, takes 15100
        Registry registry = registry(load(WITH_CACHE));
        assertThat(registry.pod("web-v1-0").orElseThrow().tcpOutbound()).containsExactly(Map.entry(DB, 5432), Map.entry(CACHE, 15100));
        assertThat(registry.pod("db-v1-0").orElseThrow().tcpOutbound()).containsExactly(Map.entry(DB, 15100), Map.entry(CACHE, 15101));
        var shared = RegistryPlanner.sharedLoopback(load(WITH_CACHE).mesh());
        assertThat(shared.pod("web-v1-0").orElseThrow().tcpOutbound()).containsOnlyKeys(DB, CACHE);
    }

    @Test
    void serviceEntryPortsThatCarryTcpOrTlsGetListenersAndRoutesLikeTcpServices() {
        // Istio: a ServiceEntry's TCP, TLS, MONGO and HTTPS ports get an outbound listener with a tcp_proxy (HTTPS and
        // TLS passed through unterminated); HTTP ports go through the HTTP route table
        Topology t = load(MESH + """
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: partners}
                spec:
                  hosts: [partners.example.com]
                  ports: [{number: 9443, name: tls, protocol: TLS}, {number: 27017, name: mongo, protocol: MONGO}, {number: 80, name: http, protocol: HTTP}]
                  resolution: STATIC
                  location: MESH_EXTERNAL
                  endpoints: [{address: 127.0.0.1, ports: {tls: 19443}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: ledger}
                spec:
                  hosts: [ledger.internal]
                  addresses: [127.0.0.77]
                  ports: [{number: 7000, name: tcp, protocol: TCP}]
                  resolution: NONE
                  location: MESH_INTERNAL
                """);
        Registry registry = registry(t);
        assertThat(registry.pod("tools-v1-0").orElseThrow().tcpOutbound()).containsExactly(Map.entry(DB, 5432),
                Map.entry("partners.example.com:9443", 9443), Map.entry("partners.example.com:27017", 27017),
                Map.entry("ledger.internal:7000", 7000));
        ProxySnapshot tools = translate(t).get("tools-v1-0");
        assertThat(tools.tcpRoutes().get("partners.example.com:9443").routes().get(0).destinations().get(0).cluster())
                .isEqualTo("outbound|9443||partners.example.com");
        assertThat(tools.clusters().get("outbound|9443||partners.example.com").endpoints())
                .extracting(e -> e.hostPort()).containsExactly("127.0.0.1:19443");
        // resolution NONE on a TCP port: the connection goes to the entry's own (loopback) address
        assertThat(tools.clusters().get("outbound|7000||ledger.internal").endpoints()).extracting(e -> e.hostPort())
                .containsExactly("127.0.0.77:7000");
    }
}
