package dev.loopmesh.security;

import dev.loopmesh.policy.authz.ExtAuthzProvider;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Severity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** MeshConfig extensionProviders as Istio's meshConfig has them, and the CUSTOM policies that name them. */
class ExtAuthzProviderTest {
    static final String MESH_CONFIG = """
            apiVersion: loopmesh.dev/v1
            kind: MeshConfig
            metadata: {name: mesh}
            spec:
              extensionProviders:
              - name: sample-ext-authz-http
                envoyExtAuthzHttp:
                  service: foo/ext-authz.foo.svc.cluster.local
                  port: "8000"
                  timeout: 250ms
                  pathPrefix: /check
                  statusOnError: "503"
                  failOpen: true
                  includeRequestHeadersInCheck: [x-ext-authz, "x-b3-*"]
                  includeAdditionalHeadersInCheck: {x-origin: mesh}
                  headersToUpstreamOnAllow: [x-user-id]
                  headersToDownstreamOnDeny: ["*-reason"]
              - name: sample-ext-authz-grpc
                envoyExtAuthzGrpc: {service: ext-authz.foo.svc.cluster.local, port: 9000}
              - name: zipkin
                zipkin: {service: zipkin.istio-system.svc.cluster.local, port: 9411}
            """;
    static final String CUSTOM = """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: ext-authz, namespace: foo}
            spec:
              action: CUSTOM
              provider: {name: sample-ext-authz-http}
              rules: [{to: [{operation: {paths: ["/headers"]}}]}]
            """;

    @Test
    void anHttpProviderBindsEveryFieldIstioHas() {
        SecurityConfig c = SecurityBinder.bind(Yaml.resources(MESH_CONFIG));
        assertThat(c.problems()).allMatch(p -> p.severity() == Severity.WARNING);
        assertThat(c.settings().extensionProviders()).containsExactly("sample-ext-authz-http", "sample-ext-authz-grpc", "zipkin");
        ExtAuthzProvider p = c.settings().extAuthz().get("sample-ext-authz-http");
        assertThat(p.host()).isEqualTo("ext-authz.foo.svc.cluster.local");
        assertThat(p.port()).isEqualTo(8000);
        assertThat(p.timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(p.pathPrefix()).isEqualTo("/check");
        assertThat(p.statusOnError()).isEqualTo(503);
        assertThat(p.failOpen()).isTrue();
        assertThat(p.includeAdditionalHeadersInCheck()).containsEntry("x-origin", "mesh");
        // Envoy always sends Host and Authorization; names match case-insensitively, with prefix and suffix patterns
        assertThat(p.sendsRequestHeader("host")).isTrue();
        assertThat(p.sendsRequestHeader("authorization")).isTrue();
        assertThat(p.sendsRequestHeader("x-ext-authz")).isTrue();
        assertThat(p.sendsRequestHeader("x-b3-traceid")).isTrue();
        assertThat(p.sendsRequestHeader("cookie")).isFalse();
        assertThat(p.passesUpstreamOnAllow("X-User-Id")).isTrue();
        assertThat(p.passesOnDeny("x-deny-reason")).isTrue();
        assertThat(p.passesOnDeny("www-authenticate")).isTrue();
        assertThat(p.passesOnDeny("x-other")).isFalse();
        assertThat(c.settings().extAuthz()).doesNotContainKey("sample-ext-authz-grpc");
    }

    @Test
    void defaultsAreIstios() {
        SecurityConfig c = SecurityBinder.bind(Yaml.resources("""
                apiVersion: loopmesh.dev/v1
                kind: MeshConfig
                metadata: {name: mesh}
                spec:
                  extensionProviders: [{name: a, envoyExtAuthzHttp: {service: a.foo.svc.cluster.local, port: 80}}]
                """));
        ExtAuthzProvider p = c.settings().extAuthz().get("a");
        assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(600));
        assertThat(p.statusOnError()).isEqualTo(403);
        assertThat(p.failOpen()).isFalse();
        // no headersToDownstreamOnDeny: every header of the denial but Host reaches the client
        assertThat(p.passesOnDeny("x-anything")).isTrue();
        assertThat(p.passesOnDeny("host")).isFalse();
    }

    @Test
    void providersWithoutAKindOrWithTwoOrNotEmulatedAreReported() {
        List<Problem> p = SecurityBinder.bind(Yaml.resources("""
                apiVersion: loopmesh.dev/v1
                kind: MeshConfig
                metadata: {name: mesh}
                spec:
                  extensionProviders:
                  - {name: bare}
                  - {name: both, envoyExtAuthzHttp: {service: a, port: 1}, zipkin: {service: z, port: 2}}
                  - {name: grpc, envoyExtAuthzGrpc: {service: a, port: 1}}
                  - {name: noport, envoyExtAuthzHttp: {service: a, headersToUpstreamOnCheck: [x]}}
                """)).problems();
        String all = p.toString();
        assertThat(all).contains("extensionProvider `bare` has no provider", "sets envoyExtAuthzHttp and zipkin",
                "speak the ext_authz HTTP API only", "missing `port`", "unknown field `headersToUpstreamOnCheck`");
    }

    @Test
    void aCustomPolicyIsValidWhenTheMeshConfigItJoinsHasItsProviderAndAnErrorWithout() {
        MeshResource custom = Yaml.resources(CUSTOM).get(0);
        List<MeshResource> context = Yaml.resources(MESH_CONFIG + "---\n" + CUSTOM);
        assertThat(SecurityBinder.validate(custom, context)).isEmpty();
        assertThat(SecurityBinder.validate(custom, List.of())).extracting(Problem::code).containsExactly(SecurityCodes.UNKNOWN_PROVIDER);
        // the MeshConfig's own warnings are its own, not the policy's
        assertThat(SecurityBinder.validate(context.get(0), context)).allMatch(x -> x.severity() == Severity.WARNING).isNotEmpty();
    }
}
