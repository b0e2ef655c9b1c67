package dev.loopmesh.security;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.telemetry.LiveMesh;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the admin API tells about mesh security: the CA and mTLS events, and who can call whom. */
class SecurityAdminMeshTest {
    static final JsonMapper JSON = JsonMapper.builder().build();
    /** The httpbin mesh under STRICT mTLS, as SecurityMeshTest runs it. */
    static final String MESH = Yaml.docs(Yaml.HTTPBIN_MESH, Yaml.STRICT_IN_DEFAULT);

    static List<JsonNode> events(LiveMesh m, String kind) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : JSON.readTree(m.admin("/api/events").body())) {
            if (e.get("kind").asString().equals(kind)) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void caIssuanceAndStrictPlaintextRefusalsAreMeshEvents() throws IOException {
        try (LiveMesh m = LiveMesh.start(MESH)) {
            assertThat(events(m, "ca")).anySatisfy(e -> {
                assertThat(e.get("type").asString()).isEqualTo("ISSUED");
                assertThat(e.get("subject").asString()).isEqualTo("spiffe://cluster.local/ns/default/sa/httpbin");
                assertThat(e.get("proxies").toString()).contains("httpbin-v1-0");
            });
            PodInfo httpbin = m.mesh.registry().pod("httpbin-v1-0").orElseThrow();
            // a legacy client: plaintext straight to the STRICT inbound is reset
            try (Socket s = new Socket(httpbin.address(), httpbin.inboundPort())) {
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: httpbin\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.setSoTimeout(10_000);
                try {
                    assertThat(s.getInputStream().read()).isEqualTo(-1);
                } catch (java.net.SocketException reset) {
                    // the reset may arrive as an exception rather than end of stream
                }
            }
            await().untilAsserted(() -> assertThat(events(m, "mtls")).anySatisfy(e -> {
                assertThat(e.get("type").asString()).isEqualTo("REFUSED");
                assertThat(e.get("subject").asString()).isEqualTo("httpbin-v1-0");
                assertThat(e.get("detail").asString()).startsWith("plaintext refused");
            }));
        }
    }

    @Test
    void caRotationsAreMeshEvents() {
        try (LiveMesh m = LiveMesh.start(MESH + """
                ---
                apiVersion: loopmesh.dev/v1
                kind: MeshConfig
                metadata: {name: mesh}
                spec: {certificates: {lifetime: 1s}}
                """)) {
            await().untilAsserted(() -> assertThat(events(m, "ca")).anySatisfy(e -> {
                assertThat(e.get("type").asString()).isEqualTo("ROTATED");
                assertThat(e.get("detail").asString()).contains("replaces serial");
            }));
        }
    }

    @Test
    void theAuthorizationMatrixOfTheLiveConfigIsServedAsJson() {
        try (LiveMesh m = LiveMesh.start(MESH)) {
            JsonNode before = JSON.readTree(m.admin("/api/authz/matrix").body());
            assertThat(cell(before, "sleep-v1", "httpbin-v1").get("allowed").asBoolean()).isTrue();
            assertThat(cell(before, "sleep-v1", "httpbin-v1").get("mtls").asBoolean()).isTrue();
            assertThat(m.apply(Yaml.authorizationPolicy("httpbin-deny-sleep", """
                    selector: {matchLabels: {app: httpbin}}
                    action: DENY
                    rules: [{from: [{source: {principals: ["cluster.local/ns/default/sa/sleep"]}}]}]
                    """)).allAccepted()).isTrue();
            var reply = m.admin("/api/authz/matrix");
            assertThat(reply.statusCode()).isEqualTo(200);
            assertThat(reply.headers().firstValue("content-type").orElse("")).contains("application/json");
            JsonNode after = JSON.readTree(reply.body());
            assertThat(cell(after, "sleep-v1", "httpbin-v1").get("allowed").asBoolean()).isFalse();
            assertThat(cell(after, "sleep-v1", "httpbin-v1").get("decidedBy").asString()).contains("default/httpbin-deny-sleep");
            assertThat(cell(after, "istio-ingressgateway", "httpbin-v1").get("allowed").asBoolean()).isTrue();
        }
    }

    static JsonNode cell(JsonNode matrix, String source, String destination) {
        for (JsonNode c : matrix) {
            if (c.get("source").asString().equals(source) && c.get("destination").asString().equals(destination)) {
                return c;
            }
        }
        throw new AssertionError("no cell " + source + " → " + destination + " in " + matrix);
    }
}
