package dev.loopmesh.mesh;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AuthorizationPolicy CUSTOM with an envoyExtAuthzHttp provider (Istio task "External Authorization"):
 * the proxy asks a real HTTP authorization service on loopback, here Istio's sample ext-authz logic —
 * allow when the request has {@code x-ext-authz: allow}.
 */
class ExtAuthzMeshTest {
    record Seen(String method, String path, Map<String, List<String>> headers) {
    }

    HttpServer authz;
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final AtomicInteger failWith = new AtomicInteger();

    @BeforeEach
    void startAuthzService() throws IOException {
        authz = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        authz.createContext("/", ex -> {
            seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(), Map.copyOf(ex.getRequestHeaders())));
            boolean allow = "allow".equals(ex.getRequestHeaders().getFirst("x-ext-authz"));
            int status = failWith.get() != 0 ? failWith.get() : allow ? 200 : 403;
            byte[] body = (allow ? "" : "denied by ext_authz for not found header `x-ext-authz: allow` in the request")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("x-ext-authz-check-result", allow ? "allowed" : "denied");
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        authz.start();
    }

    @AfterEach
    void stopAuthzService() {
        authz.stop(0);
    }

    String mesh(String providerExtra, String policyNamespace, String selector) {
        return """
                apiVersion: loopmesh.dev/v1
                kind: Mesh
                metadata: {name: ext-authz}
                spec:
                  namespace: foo
                  services:
                  - {name: httpbin, port: 8000, workloads: [{version: v1, serviceAccount: httpbin}]}
                  - {name: ext-authz, port: 8000, workloads: [{version: v1, external: {host: 127.0.0.1, port: %d}}]}
                  ingress:
                    routes: [{prefix: /, service: httpbin}]
                ---
                apiVersion: loopmesh.dev/v1
                kind: MeshConfig
                metadata: {name: mesh}
                spec:
                  extensionProviders:
                  - name: sample-ext-authz-http
                    envoyExtAuthzHttp:
                      service: ext-authz.foo.svc.cluster.local
                      port: 8000
                      includeRequestHeadersInCheck: [x-ext-authz]
                      headersToDownstreamOnAllow: [x-ext-authz-check-result]
                      headersToUpstreamOnAllow: [x-ext-authz-check-result]
                %s
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ext-authz, namespace: %s}
                spec:
                  selector: {matchLabels: {%s}}
                  action: CUSTOM
                  provider: {name: sample-ext-authz-http}
                  rules: [{to: [{operation: {paths: ["/headers"]}}]}]
                """.formatted(authz.getAddress().getPort(), providerExtra, policyNamespace, selector);
    }

    static String flags(MeshFixture m, String proxy) {
        return m.mesh.telemetry().accessLog().entries(proxy, -1, 1).get(0).record().responseFlags();
    }

    @Test
    void theProviderAllowsOrDeniesWhatTheCustomPolicyMatches() {
        try (MeshFixture m = MeshFixture.start(mesh("", "foo", "app: httpbin"))) {
            HttpResponse<String> denied = m.get("/headers", "x-ext-authz", "deny");
            // Envoy ext_authz: the service's status, body and (by default all) headers go to the client, flag UAEX
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(denied.body()).isEqualTo("denied by ext_authz for not found header `x-ext-authz: allow` in the request");
            assertThat(denied.headers().firstValue("x-ext-authz-check-result")).hasValue("denied");
            assertThat(flags(m, "httpbin-v1-0")).isEqualTo("UAEX");

            HttpResponse<String> allowed = m.get("/headers", "x-ext-authz", "allow");
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.headers().firstValue("x-ext-authz-check-result")).hasValue("allowed");

            // the check: the request's method and path, its Host, the included header, no body
            Seen check = seen.get(seen.size() - 1);
            assertThat(check.method()).isEqualTo("GET");
            assertThat(check.path()).isEqualTo("/headers");
            assertThat(check.headers()).containsKey("X-ext-authz").containsKey("Host");
            assertThat(check.headers().get("Content-length")).containsExactly("0");
            assertThat(check.headers()).doesNotContainKey("User-agent");

            int checks = seen.size();
            assertThat(m.get("/ip").statusCode()).isEqualTo(200);
            assertThat(seen).hasSize(checks); // a request the CUSTOM rules do not match is not sent to the provider

            // a CUSTOM policy naming a provider the MeshConfig does not define is still a clear error
            var rejected = m.apply("""
                    apiVersion: security.istio.io/v1
                    kind: AuthorizationPolicy
                    metadata: {name: other, namespace: foo}
                    spec: {action: CUSTOM, provider: {name: nope}, rules: [{}]}
                    """);
            assertThat(rejected.allAccepted()).isFalse();
            assertThat(rejected.outcomes().get(0).problems().toString())
                    .contains("CUSTOM provider `nope` is not configured (expected: one of the MeshConfig's extensionProviders: sample-ext-authz-http)");
        }
    }

    @Test
    void aFailedCheckIs403UnlessTheProviderFailsOpen() {
        try (MeshFixture m = MeshFixture.start(mesh("", "foo", "app: httpbin"))) {
            failWith.set(500);
            // Envoy: a 5xx from the service is a failed check, not its answer
            HttpResponse<String> error = m.get("/headers", "x-ext-authz", "allow");
            assertThat(error.statusCode()).isEqualTo(403);
            assertThat(error.body()).isEmpty();
            assertThat(flags(m, "httpbin-v1-0")).isEqualTo("UAEX");
            failWith.set(0);
            authz.stop(0);
            // unreachable (the service's sidecar answers 503): failOpen is false by default
            assertThat(m.get("/headers", "x-ext-authz", "allow").statusCode()).isEqualTo(403);
        }
        try (MeshFixture m = MeshFixture.start(mesh("      failOpen: true", "foo", "app: httpbin"))) {
            assertThat(m.get("/headers", "x-ext-authz", "deny").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aCustomPolicyOnTheIngressGatewayChecksBeforeRouting() {
        try (MeshFixture m = MeshFixture.start(mesh("", "istio-system", "istio: ingressgateway"))) {
            HttpResponse<String> denied = m.get("/headers");
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(flags(m, "istio-ingressgateway")).isEqualTo("UAEX");
            assertThat(m.mesh.telemetry().accessLog().entries("httpbin-v1-0", -1, 10)).isEmpty();
            assertThat(m.get("/headers", "x-ext-authz", "allow").statusCode()).isEqualTo(200);
        }
    }
}
