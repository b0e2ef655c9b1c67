package dev.loopmesh.mesh;

import dev.loopmesh.ca.CaEvent;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.istio.IstioTranslator;
import dev.loopmesh.security.SecurityCodes;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TopologyLoader;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.loopmesh.security.Yaml.HTTPBIN_MESH;
import static dev.loopmesh.security.Yaml.STRICT_IN_DEFAULT;
import static dev.loopmesh.security.Yaml.authorizationPolicy;
import static dev.loopmesh.security.Yaml.docs;
import static dev.loopmesh.security.Yaml.resource;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 5's "done when", over real sockets: mTLS, PeerAuthentication, authorization, rotation. */
class SecurityMeshTest {
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    JsonNode direct(PodInfo pod) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + pod.appHost() + ":" + pod.appPort() + "/"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        return MeshFixture.JSON.readTree(r.body());
    }

    @Test
    void strictRefusesTheLegacyClientAndAcceptsMeshedOnesWhilePermissiveLetsBothIn() throws Exception {
        // Istio PeerAuthentication STRICT: plaintext is refused; PERMISSIVE accepts plaintext and mTLS on one port
        try (MeshFixture m = MeshFixture.start(docs(HTTPBIN_MESH, STRICT_IN_DEFAULT))) {
            JsonNode meshed = m.tree("/");
            assertThat(meshed.get("calls").get(0).get("status").asInt()).isEqualTo(200);
            JsonNode legacy = direct(m.mesh.registry().pod("legacy-v1-0").orElseThrow());
            assertThat(legacy.get("calls").get(0).get("status").asInt()).isNotEqualTo(200);
            assertThat(m.mesh.security().refusalLog()).anyMatch(s -> s.startsWith("httpbin-v1-0: plaintext refused"));
            // the destination sidecar saw the caller's SPIFFE identity over mTLS
            assertThat(m.mesh.telemetry().toString()).isNotNull();
        }
        try (MeshFixture m = MeshFixture.start(HTTPBIN_MESH)) {
            assertThat(m.tree("/").get("calls").get(0).get("status").asInt()).isEqualTo(200);
            JsonNode legacy = direct(m.mesh.registry().pod("legacy-v1-0").orElseThrow());
            assertThat(legacy.get("calls").get(0).get("status").asInt()).isEqualTo(200);
        }
    }

    static int status(JsonNode tree, String service) {
        for (JsonNode c : tree.get("calls")) {
            if (c.get("service").asText().equals(service)) {
                return c.get("status").asInt();
            }
        }
        return -1;
    }

    /** The status ratings gave reviews, from a page that reached reviews v2 or v3 (v1 does not call ratings). */
    static int ratingsStatus(MeshFixture m) {
        for (int i = 0; i < 30; i++) {
            JsonNode page = m.tree("/productpage");
            for (JsonNode c : page.get("calls")) {
                if (c.get("service").asText().equals("reviews") && c.get("calls").size() > 0) {
                    return c.get("calls").get(0).get("status").asInt();
                }
            }
        }
        throw new AssertionError("reviews v2/v3 never answered");
    }

    /** The task's {@code <app>-viewer}: GET on app, only from the workloads running as {@code serviceAccount}. */
    static String viewer(String app, String serviceAccount) {
        return authorizationPolicy(app + "-viewer", """
                selector: {matchLabels: {app: %s}}
                action: ALLOW
                rules:
                - from: [{source: {principals: ["cluster.local/ns/default/sa/%s"]}}]
                  to: [{operation: {methods: ["GET"]}}]
                """.formatted(app, serviceAccount));
    }

    @Test
    void istiosHttpAuthorizationWalkThroughOnBookinfo() {
        // Istio task "Authorization on HTTP traffic": allow-nothing, then productpage-viewer, details/reviews-viewer, ratings-viewer
        try (MeshFixture m = MeshFixture.bookinfo("")) {
            assertThat(m.apply("""
                    apiVersion: security.istio.io/v1
                    kind: AuthorizationPolicy
                    metadata: {name: allow-nothing, namespace: default}
                    spec: {}
                    """).outcomes().get(0).accepted()).isTrue();
            HttpResponse<String> denied = m.get("/productpage");
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(denied.body()).isEqualTo("RBAC: access denied");

            m.apply(authorizationPolicy("productpage-viewer", """
                    selector: {matchLabels: {app: productpage}}
                    action: ALLOW
                    rules: [{to: [{operation: {methods: ["GET"]}}]}]
                    """));
            JsonNode page = m.tree("/productpage");
            assertThat(page.get("status").asInt()).isEqualTo(200);
            assertThat(status(page, "details")).isEqualTo(403);
            assertThat(status(page, "reviews")).isEqualTo(403);

            m.apply(docs(viewer("details", "bookinfo-productpage"), viewer("reviews", "bookinfo-productpage")));
            page = m.tree("/productpage");
            assertThat(status(page, "details")).isEqualTo(200);
            assertThat(status(page, "reviews")).isEqualTo(200);
            assertThat(ratingsStatus(m)).isEqualTo(403);

            m.apply(viewer("ratings", "bookinfo-reviews"));
            assertThat(ratingsStatus(m)).isEqualTo(200);
        }
    }

    @Test
    void strictWithADestinationRuleThatDisablesTlsGives503AndAValidationWarning() {
        // istioctl analyze IST0113 MTLSPolicyConflict; Envoy: the STRICT server resets plaintext → 503 (UC)
        String policies = docs(STRICT_IN_DEFAULT, resource("networking.istio.io/v1", "DestinationRule", "details", "default", """
                host: details
                trafficPolicy: {tls: {mode: DISABLE}}
                """));
        Topology t = new TopologyLoader().loadString("bookinfo.yaml", MeshFixture.bookinfoYaml() + "\n---\n" + policies);
        List<Problem> warnings = new IstioTranslator().analyze(dev.loopmesh.controlplane.RegistryPlanner.perPodAddresses(t.mesh(), 1), t.resources());
        assertThat(warnings).filteredOn(p -> p.code().equals(SecurityCodes.MTLS_CONFLICT)).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("MTLSPolicyConflict", "DestinationRule default/details", "STRICT"));
        try (MeshFixture m = MeshFixture.bookinfo(policies)) {
            JsonNode page = m.tree("/productpage");
            assertThat(status(page, "details")).isEqualTo(503);
            assertThat(status(page, "reviews")).isEqualTo(200);
        }
    }

    static final List<String> TRICKS = List.of("/admin", "/admin/", "/admin/x", "/admin?x=1", "/admin;x", "/admin%2f", "/a/../admin",
            "/./admin", "//admin", "///admin/x", "/%61dmin", "/%61%64%6d%69%6e", "/%2e/admin", "/%2E%2E/admin", "/x/%2e%2e/admin",
            "/x/..%2fadmin", "/x%2f..%2fadmin", "/x/%2E./admin", "/x\\..\\admin", "/x%5c..%5cadmin", "/%2fadmin", "/admin%2Fsecret",
            "/public/../../admin", "/adm%69n", "/admin%00", "/admin#frag");

    static int raw(int port, String target) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: bookinfo\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String line = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(line.substring(9, 12));
        }
    }

    @Test
    void noPathEncodingTrickGetsPastADenyRule() throws IOException {
        // Istio "Authorization Policy Normalization" with DECODE_AND_MERGE_SLASHES, the setting its best practices advise for DENY
        String policies = """
                apiVersion: loopmesh.dev/v1
                kind: MeshConfig
                metadata: {name: mesh}
                spec: {pathNormalization: {normalization: DECODE_AND_MERGE_SLASHES}}
                ---
                """ + authorizationPolicy("deny-admin", """
                selector: {matchLabels: {app: productpage}}
                action: DENY
                rules: [{to: [{operation: {paths: ["/admin*"]}}]}]
                """);
        try (MeshFixture m = MeshFixture.bookinfo(policies)) {
            int port = m.mesh.ingressAddress().getPort();
            assertThat(raw(port, "/productpage")).isEqualTo(200);
            List<String> through = new ArrayList<>();
            for (String t : TRICKS) {
                int status = raw(port, t);
                if (status != 403 && status != 400) {
                    through.add(t + " → " + status);
                }
            }
            assertThat(TRICKS).hasSizeGreaterThanOrEqualTo(20);
            assertThat(through).isEmpty();
        }
    }

    @Test
    void certificatesRotatedEverySecondOrTwoUnderLoadLoseNoRequest() throws Exception {
        // Istio rotates workload certificates before expiry without dropping connections
        String policies = """
                apiVersion: loopmesh.dev/v1
                kind: MeshConfig
                metadata: {name: mesh}
                spec: {certificates: {lifetime: 2s}}
                ---
                """ + STRICT_IN_DEFAULT;
        try (MeshFixture m = MeshFixture.bookinfo(policies)) {
            long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            int sent = 0;
            List<String> failed = new ArrayList<>();
            while (System.nanoTime() < end) {
                JsonNode page = m.tree("/productpage");
                sent++;
                if (page.get("status").asInt() != 200 || status(page, "details") != 200 || status(page, "reviews") != 200) {
                    failed.add(page.toString());
                }
            }
            long rotations = m.mesh.security().events().stream().filter(e -> e.type() == CaEvent.Type.ROTATED).count();
            System.out.println("rotation under load: " + sent + " pages, " + failed.size() + " failed, " + rotations + " rotations");
            assertThat(rotations).isGreaterThanOrEqualTo(3);
            assertThat(failed).isEmpty();
            assertThat(m.mesh.security().events()).noneMatch(e -> e.type() == CaEvent.Type.EXPIRED);
        }
    }
}
