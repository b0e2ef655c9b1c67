package dev.loopmesh.mesh;

import dev.loopmesh.admin.AdminApi;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.telemetry.AccessLogFormat;
import dev.loopmesh.telemetry.RequestRecord;
import dev.loopmesh.testing.TcpClient;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static dev.loopmesh.testing.TcpTopologies.BY_SOURCE_LABELS;
import static dev.loopmesh.testing.TcpTopologies.DB;
import static dev.loopmesh.testing.TcpTopologies.MAX_ONE_CONNECTION;
import static dev.loopmesh.testing.TcpTopologies.MESH;
import static dev.loopmesh.testing.TcpTopologies.SPLIT;
import static dev.loopmesh.testing.TcpTopologies.dbVirtualService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Apps reach {@code protocol: tcp} services through their own sidecar, as Istio's outbound listener for the
 * service port does: load balanced, routed by VirtualService {@code tcp} rules with weights and matches,
 * limited by the DestinationRule's {@code maxConnections}, over real sockets.
 */
class TcpOutboundMeshTest {
    /** The start of a istio_tcp_connections_opened_total series, its labels to follow. */
    static final String OPENED = "istio_tcp_connections_opened_total\\{";

    private MeshFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void aWorkloadsCallToATcpServiceGoesThroughItsSidecarAndShowsInTheCallTree() {
        f = MeshFixture.start(MESH);
        JsonNode tree = f.tree("/");
        JsonNode db = MeshFixture.call(tree, "db");
        assertThat(db).as("call tree %s", tree).isNotNull();
        assertThat(db.get("status").asInt()).isEqualTo(200);
        assertThat(db.get("pod").asText()).startsWith("db-v");
        // Istio's TCP metrics, reported by the caller's sidecar (source) and the callee's (destination)
        f.awaitMetrics(OPENED + "[^}]*reporter=\"source\"[^}]*source_workload=\"web-v1\"",
                OPENED + "[^}]*destination_workload=\"db-v[12]\"[^}]*reporter=\"destination\"");
    }

    @Test
    void underStrictMtlsTheCallerSidecarOriginatesMutualTlsAndTheMetricsSaySo() {
        // Istio's auto mTLS covers TCP: the client sidecar speaks mTLS to a server with a sidecar, STRICT accepts it
        f = MeshFixture.start(MESH + """
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: default, namespace: istio-system}
                spec: {mtls: {mode: STRICT}}
                """);
        JsonNode db = MeshFixture.call(f.tree("/"), "db");
        assertThat(db).isNotNull();
        assertThat(db.get("status").asInt()).isEqualTo(200);
        // the caller's sidecar names the peer it verified; only the destination reporter states the policy (Istio's rule)
        f.awaitMetrics(OPENED + "[^}]*destination_principal=\"spiffe://cluster.local/ns/default/sa/[^\"]+\""
                        + "[^}]*reporter=\"source\"[^}]*source_principal=\"spiffe://[^\"]+\"[^}]*source_workload=\"web-v1\"",
                OPENED + "connection_security_policy=\"mutual_tls\"[^}]*reporter=\"destination\"");
    }

    @Test
    void aRawTcpClientOnTheOutboundListenerIsBalancedOverEveryPod() {
        // Istio: the outbound listener for a TCP service port proxies to the service's cluster (ROUND_ROBIN by default)
        f = MeshFixture.start(MESH);
        PodInfo tools = f.mesh.registry().pod("tools-v1-0").orElseThrow();
        assertThat(tools.tcpOutbound()).containsEntry(DB, 5432); // db:5432 is <pod address>:5432
        Map<String, Integer> pods = new HashMap<>();
        for (int i = 0; i < 9; i++) {
            pods.merge(exchange(tools, "hello"), 1, Integer::sum);
        }
        assertThat(pods.keySet()).containsExactlyInAnyOrder("db-v1-0", "db-v1-1", "db-v2-0");
    }

    @Test
    void tcpRouteWeightsSplitConnectionsAndAnApplyTakesEffectForNewConnections() {
        // Istio TCPRoute "route: … weight": the proportion of connections forwarded to each destination
        f = MeshFixture.start(MESH + SPLIT);
        PodInfo tools = f.mesh.registry().pod("tools-v1-0").orElseThrow();
        int v2 = 0;
        for (int i = 0; i < 100; i++) {
            if (exchange(tools, "x").startsWith("db-v2")) {
                v2++;
            }
        }
        assertThat(v2).isBetween(35, 65);
        assertThat(f.apply(dbVirtualService("tcp: [{route: [{destination: {host: db, subset: v2}}]}]")).allAccepted()).isTrue();
        for (int i = 0; i < 10; i++) {
            assertThat(exchange(tools, "x")).isEqualTo("db-v2-0");
        }
    }

    @Test
    void aTcpRuleMatchesOnTheCallersLabelsAndTheOthersTakeTheNextRule() {
        // Istio L4MatchAttributes.sourceLabels: "applicable to workloads with the given labels"; first matching rule wins
        f = MeshFixture.start(MESH + BY_SOURCE_LABELS);
        PodInfo tools = f.mesh.registry().pod("tools-v1-0").orElseThrow();
        PodInfo web = f.mesh.registry().pod("web-v1-0").orElseThrow();
        for (int i = 0; i < 6; i++) {
            assertThat(exchange(tools, "t")).isEqualTo("db-v2-0");
            assertThat(exchange(web, "w")).startsWith("db-v1-");
        }
    }

    @Test
    void connectionsOverMaxConnectionsAreClosedAndCountedAsUo() throws Exception {
        // DestinationRule connectionPool.tcp.maxConnections: "Maximum number of HTTP1 /TCP connections to a destination host"
        f = MeshFixture.start(MAX_ONE_CONNECTION);
        PodInfo tools = f.mesh.registry().pod("tools-v1-0").orElseThrow();
        try (Socket held = new Socket(tools.address(), tools.tcpOutbound().get(DB))) {
            held.getOutputStream().write("first\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new BufferedReader(new InputStreamReader(held.getInputStream(), StandardCharsets.US_ASCII)).readLine())
                    .startsWith("db-v");
            try (Socket over = new Socket(tools.address(), tools.tcpOutbound().get(DB))) {
                over.setSoTimeout(10_000);
                assertThat(over.getInputStream().read()).isEqualTo(-1); // closed without an upstream
            }
        }
        f.awaitMetrics(OPENED + "[^}]*reporter=\"source\"[^}]*response_flags=\"UO\"");
        // Envoy's tcp_proxy access log: the refused connection is one line with its flag and no upstream host
        RequestRecord uo = f.awaitAccessLog("tools-v1-0", r -> r.isTcp() && r.responseFlags().equals("UO"));
        assertThat(uo.upstreamHost()).isEqualTo("-");
        assertThat(uo.upstreamCluster()).isEqualTo("outbound|5432||db.default.svc.cluster.local");
        assertThat(AccessLogFormat.text(uo)).contains("\"- - -\" 0 UO - - \"-\" 0 0 ");
        // the held connection is gone: a new one gets through again
        await().untilAsserted(() -> assertThat(exchange(tools, "again")).startsWith("db-v"));
    }

    @Test
    void describeAndTheAdminApiShowTheTcpListenersAndTheirRoutes() throws Exception {
        f = MeshFixture.start(MESH);
        AdminApi api = new AdminApi(f.mesh, f.mesh::parseResources);
        PodInfo web = f.mesh.registry().pod("web-v1-0").orElseThrow();
        JsonNode dump = MeshFixture.JSON.readTree(api.handle("GET", new QueryStringDecoder("/api/config_dump?proxy=web-v1-0"), "", null).body());
        assertThat(dump.get("listeners").toString()).contains(web.address() + "_5432 (tcp_proxy for " + DB + ")");
        JsonNode route = dump.get("tcpRoutes").get(0);
        assertThat(route.get("service").asText()).isEqualTo(DB);
        assertThat(route.get("listener").asText()).isEqualTo(web.address() + ":5432");
        assertThat(route.get("clusters").toString()).contains("outbound|5432||db.default.svc.cluster.local (weight 100)");
        JsonNode proxies = MeshFixture.JSON.readTree(api.handle("GET", new QueryStringDecoder("/api/proxies?listeners=true"), "", null).body());
        assertThat(proxies.toString()).contains("\"proxy\":\"web-v1-0\"").contains("tcp_proxy for " + DB);
        JsonNode topology = MeshFixture.JSON.readTree(api.handle("GET", new QueryStringDecoder("/api/topology"), "", null).body());
        assertThat(topology.toString()).contains("\"tcpOutbound\":{\"" + DB + "\":\"" + web.address() + ":5432\"}");
    }

    /** One connection through {@code pod}'s outbound listener for db: the name of the db pod that answered. */
    static String exchange(PodInfo pod, String text) {
        return TcpClient.exchange(pod.address(), pod.tcpOutbound().get(DB), text);
    }
}
