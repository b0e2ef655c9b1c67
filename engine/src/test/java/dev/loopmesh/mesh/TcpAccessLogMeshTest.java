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

import static dev.loopmesh.testing.TcpTopologies.DB;
import static dev.loopmesh.testing.TcpTopologies.MAX_ONE_CONNECTION;
import static dev.loopmesh.testing.TcpTopologies.MESH;
import static dev.loopmesh.testing.TcpTopologies.dbVirtualService;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Envoy's tcp_proxy access log, in Istio's default format: one line per connection when it closes, at the
 * caller's sidecar (source) and the callee's (destination), with the upstream host and cluster, the bytes
 * each way, the duration and the response flags, over real sockets.
 */
class TcpAccessLogMeshTest {
    private MeshFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void aRelayedConnectionIsOneLineAtEachSidecarWithItsUpstreamBytesAndDuration() throws Exception {
        f = MeshFixture.start(MESH);
        PodInfo tools = f.mesh.registry().pod("tools-v1-0").orElseThrow();
        String answer;
        try (Socket s = new Socket(tools.address(), tools.tcpOutbound().get(DB))) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            answer = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
        String pod = answer.substring(0, answer.indexOf(' '));
        PodInfo db = f.mesh.registry().pod(pod).orElseThrow();
        // Envoy: %BYTES_RECEIVED% from the downstream, %BYTES_SENT% to it; the line is written when the connection closes
        RequestRecord source = f.awaitAccessLog("tools-v1-0", RequestRecord::isTcp);
        assertThat(source.reporter()).isEqualTo("source");
        assertThat(source.requestBytes()).isEqualTo(6);
        assertThat(source.responseBytes()).isEqualTo(answer.length() + 1);
        assertThat(source.responseFlags()).isEqualTo("-");
        assertThat(source.upstreamCluster()).isEqualTo("outbound|5432||db.default.svc.cluster.local");
        assertThat(source.upstreamHost()).isEqualTo(db.address() + ":" + db.connectPort());
        assertThat(source.destinationWorkload()).isEqualTo(db.workload());
        assertThat(source.downstreamLocalAddress()).isEqualTo(tools.address() + ":" + tools.tcpOutbound().get(DB));
        assertThat(source.upstreamLocalAddress()).matches("127[.0-9]+:\\d+");
        assertThat(source.isSuccess()).isTrue();
        String line = AccessLogFormat.text(source);
        assertThat(line).matches("\\[[^]]+] \"- - -\" 0 - - - \"-\" 6 " + (answer.length() + 1) + " \\d+ - \"-\" \"-\" \"-\" \"-\" \""
                + db.address() + ":" + db.connectPort() + "\" outbound\\|5432\\|\\|db.default.svc.cluster.local 127[.0-9]+:\\d+ "
                + tools.address() + ":5432 127[.0-9]+:\\d+ - -");
        RequestRecord destination = f.awaitAccessLog(pod, RequestRecord::isTcp);
        assertThat(destination.reporter()).isEqualTo("destination");
        assertThat(destination.requestBytes()).isEqualTo(6);
        assertThat(destination.upstreamCluster()).isEqualTo("inbound|5432||" + db.workload());
        // a connection is counted in istio_tcp_*, never as a request
        f.awaitMetrics("istio_tcp_connections_closed_total\\{[^}]*reporter=\"source\"[^}]*source_workload=\"tools-v1\"");
        assertThat(f.mesh.telemetry().metrics().scrape()).doesNotContainPattern("istio_requests_total\\{[^}]*source_workload=\"tools-v1\"");
        assertThat(f.mesh.telemetry().edges().snapshot(60)).noneMatch(e -> e.toString().contains("tools"));
        // the admin API serves the same lines as HTTP requests'
        AdminApi api = new AdminApi(f.mesh, f.mesh::parseResources);
        String text = api.handle("GET", new QueryStringDecoder("/api/accesslog?proxy=tools-v1-0"), "", null).body();
        assertThat(text).contains(line);
        JsonNode json = MeshFixture.JSON.readTree(api.handle("GET", new QueryStringDecoder("/api/accesslog?proxy=tools-v1-0&format=json"), "", null).body());
        assertThat(json.get(0).get("upstream_host").asText()).isEqualTo(db.address() + ":" + db.connectPort());
        assertThat(json.get(0).get("bytes_received").asInt()).isEqualTo(6);
        assertThat(json.get(0).get("response_code_details").isNull()).isTrue();
    }

    @Test
    void aConnectionToASubsetWithoutPodsIsLoggedUh() {
        // Envoy tcp_proxy: UH when the cluster has no healthy host (UO is in TcpOutboundMeshTest, with its metric)
        f = MeshFixture.start(MAX_ONE_CONNECTION + dbVirtualService("tcp: [{route: [{destination: {host: db, subset: v3}}]}]"));
        PodInfo tools = f.mesh.registry().pod("tools-v1-0").orElseThrow();
        assertThat(TcpClient.exchange(tools.address(), tools.tcpOutbound().get(DB), "none")).isEqualTo("(closed)");
        RequestRecord uh = f.awaitAccessLog("tools-v1-0", r -> r.isTcp() && r.responseFlags().equals("UH"));
        assertThat(uh.upstreamCluster()).isEqualTo("outbound|5432|v3|db.default.svc.cluster.local");
        assertThat(uh.routeName()).isEqualTo("default/db tcp[0]");
        assertThat(uh.trace()).contains("VirtualService default/db tcp rule 0: no match: every connection");
        assertThat(AccessLogFormat.text(uh)).contains("\"- - -\" 0 UH - - \"-\" 0 0 ");
    }
}
