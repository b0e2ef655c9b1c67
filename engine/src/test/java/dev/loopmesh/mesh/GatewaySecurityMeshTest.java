package dev.loopmesh.mesh;

import dev.loopmesh.policy.authn.JwtIssuer;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TopologyLoader;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** RequestAuthentication and AuthorizationPolicy that select the ingress gateway are enforced on it. */
class GatewaySecurityMeshTest {
    static final String ISS = "testing@secure.istio.io";
    final JwtIssuer issuer = JwtIssuer.generate(ISS, "ES256");

    String token(String sub) {
        return issuer.mint(Map.of("sub", sub, "exp", Instant.now().plusSeconds(3600).getEpochSecond()));
    }

    String ingressJwt() {
        // Istio task "Authorization with JWT" on the ingress: a RequestAuthentication and a requestPrincipals ALLOW on the gateway
        return """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ingress-jwt, namespace: istio-system}
                spec:
                  selector: {matchLabels: {istio: ingressgateway}}
                  jwtRules:
                  - issuer: testing@secure.istio.io
                    jwks: '%s'
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ingress-require-jwt, namespace: istio-system}
                spec:
                  selector: {matchLabels: {istio: ingressgateway}}
                  action: ALLOW
                  rules: [{from: [{source: {requestPrincipals: ["*"]}}]}]
                """.formatted(issuer.jwks());
    }

    @Test
    void aJwtRequiredAtTheIngressGatewayIsEnforcedThere() {
        try (MeshFixture m = MeshFixture.bookinfo(ingressJwt())) {
            HttpResponse<String> noToken = m.get("/productpage");
            assertThat(noToken.statusCode()).isEqualTo(403);
            assertThat(noToken.body()).isEqualTo("RBAC: access denied");

            HttpResponse<String> bad = m.get("/productpage?u=1", "authorization", "Bearer not-a-jwt");
            assertThat(bad.statusCode()).isEqualTo(401);
            assertThat(bad.body()).isEqualTo("Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections");
            // Envoy jwt_authn: a Bearer challenge with the original URI as realm and error="invalid_token"
            assertThat(bad.headers().firstValue("www-authenticate")).hasValue(
                    "Bearer realm=\"http://127.0.0.1:" + m.mesh.ingressAddress().getPort() + "/productpage?u=1\", error=\"invalid_token\"");

            HttpResponse<String> ok = m.get("/productpage", "authorization", "Bearer " + token("alice"));
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(m.mesh.telemetry().accessLog().entries("istio-ingressgateway", -1, 10))
                    .anySatisfy(e -> assertThat(e.record().responseFlags()).isEqualTo("RBAC"));
        }
    }

    @Test
    void aDenyPolicyOnTheGatewayWorkloadStopsRequestsBeforeTheyEnterTheMesh() {
        String deny = """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ingress-deny-admin, namespace: istio-system}
                spec:
                  selector: {matchLabels: {app: istio-ingressgateway}}
                  action: DENY
                  rules: [{to: [{operation: {paths: ["/admin*"]}}]}]
                """;
        try (MeshFixture m = MeshFixture.bookinfo(deny)) {
            HttpResponse<String> denied = m.get("/admin/x");
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(denied.body()).isEqualTo("RBAC: access denied");
            assertThat(m.get("/productpage").statusCode()).isEqualTo(200);
            // productpage's sidecar never saw the denied request
            assertThat(m.mesh.telemetry().accessLog().entries("productpage-v1-0", -1, 100))
                    .noneMatch(e -> e.record().path().startsWith("/admin"));
        }
    }

    @Test
    void aPolicyInAnotherNamespaceWithoutSelectorLeavesTheGatewayAlone() {
        // Istio: a policy without selector applies to its own namespace only (mesh-wide only in the root namespace)
        String denyAll = """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: allow-nothing, namespace: default}
                spec: {}
                """;
        try (MeshFixture m = MeshFixture.bookinfo(denyAll)) {
            assertThat(m.mesh.controlPlane().snapshot("istio-ingressgateway").inbound().security().authorization()).isEmpty();
            assertThat(m.mesh.controlPlane().snapshot("productpage-v1-0").inbound().security().authorization()).hasSize(1);
        }
    }

    @Test
    void aPolicySelectingTheGatewayIsNotReportedAsSelectingNothing() {
        Topology t = new TopologyLoader().loadString("bookinfo.yaml", MeshFixture.bookinfoYaml() + "\n---\n" + ingressJwt());
        List<Problem> problems = new dev.loopmesh.controlplane.istio.IstioTranslator()
                .analyze(dev.loopmesh.controlplane.RegistryPlanner.perPodAddresses(t.mesh(), 1), t.resources());
        assertThat(problems).noneMatch(p -> p.message().contains("selects no workload"));
    }
}
