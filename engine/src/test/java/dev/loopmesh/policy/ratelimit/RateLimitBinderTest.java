package dev.loopmesh.policy.ratelimit;

import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.TopologyLoader;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitBinderTest {
    private static List<MeshResource> load(String yaml) {
        return new TopologyLoader().loadString("limits.yaml", yaml).resources();
    }

    private static RateLimitBinding bind(String yaml) {
        return RateLimitBinder.bind(load(yaml));
    }

    /** Loopmesh's own LocalRateLimit {@code name} in namespace default. */
    private static String localRateLimit(String name, String spec) {
        return """
                apiVersion: loopmesh.dev/v1
                kind: LocalRateLimit
                metadata: {name: %s}
                spec:
                """.formatted(name) + spec.indent(2);
    }

    /** Linkerd's HTTPLocalRateLimitPolicy {@code name} in namespace emojivoto. */
    private static String linkerdRateLimit(String name, String spec) {
        return """
                apiVersion: policy.linkerd.io/v1alpha1
                kind: HTTPLocalRateLimitPolicy
                metadata: {name: %s, namespace: emojivoto}
                spec:
                """.formatted(name) + spec.indent(2);
    }

    @Test
    void bindsALoopmeshLocalRateLimitToThePodsItSelects() {
        RateLimitBinding b = bind(localRateLimit("ratings", """
                selector: {matchLabels: {app: ratings}}
                tokenBucket: {maxTokens: 4, tokensPerFill: 4, fillInterval: 1m}
                """));
        assertThat(b.problems()).isEmpty();
        RateLimitConfig c = b.configFor("default", Map.of("app", "ratings", "version", "v1"), 9080).orElseThrow();
        assertThat(c.total()).isEqualTo(new TokenBucketSpec(4, 4, Duration.ofMinutes(1)));
        assertThat(c.source()).isEqualTo("LocalRateLimit default/ratings");
        assertThat(c.describe()).isEqualTo("total 4 per 60s (burst 4)");
        assertThat(b.configFor("default", Map.of("app", "reviews"), 9080)).isEmpty();
        assertThat(b.configFor("other", Map.of("app", "ratings"), 9080)).isEmpty();
    }

    @Test
    void tokensPerFillDefaultsToOneAndPortAndExpressionsNarrowTheSelection() {
        RateLimitBinding b = bind(localRateLimit("reviews", """
                selector:
                  matchExpressions: [{key: version, operator: In, values: [v2, v3]}]
                port: 9080
                tokenBucket: {maxTokens: 10, fillInterval: 100ms}
                """));
        assertThat(b.problems()).isEmpty();
        assertThat(b.configFor("default", Map.of("version", "v2"), 9080).orElseThrow().total().tokensPerFill()).isEqualTo(1);
        assertThat(b.configFor("default", Map.of("version", "v1"), 9080)).isEmpty();
        assertThat(b.configFor("default", Map.of("version", "v2"), 8080)).isEmpty();
    }

    @Test
    void typosAndBadValuesArePositionedAndSuggested() {
        RateLimitBinding b = bind(localRateLimit("ratings", """
                selecter: {matchLabels: {app: ratings}}
                tokenBucket:
                  maxTokens: 0
                  tokensPerFil: 4
                  fillInterval: 10ms
                """));
        assertThat(b.rules()).isEmpty();
        assertThat(b.problems()).extracting(Problem::toString).containsExactly(
                "limits.yaml:5:3: error LM0501: unknown field `selecter` — did you mean `selector`? (at spec.selecter)",
                "limits.yaml:7:16: error LM0504: `maxTokens`: 0 is out of range (expected: an integer >= 1) (at spec.tokenBucket.maxTokens)",
                "limits.yaml:8:5: error LM0501: unknown field `tokensPerFil` — did you mean `tokensPerFill`? (at spec.tokenBucket.tokensPerFil)",
                "limits.yaml:9:19: error LM0504: `fillInterval`: 10ms is too short (expected: >= 50ms, Envoy's minimum) (at spec.tokenBucket.fillInterval)");
    }

    @Test
    void missingPartsAreReportedAtTheirParent() {
        RateLimitBinding b = bind(localRateLimit("ratings", """
                tokenBucket: {maxTokens: 3, fillInterval: 3}
                """));
        assertThat(b.problems()).extracting(Problem::code).containsExactly("LM0503", "LM0505");
        assertThat(b.problems().get(0).message()).contains("missing `selector`");
        assertThat(b.problems().get(1).message()).contains("has no unit");
    }

    private static final String SERVER = """
            apiVersion: policy.linkerd.io/v1beta3
            kind: Server
            metadata: {name: web-http, namespace: emojivoto}
            spec:
              podSelector: {matchLabels: {app: web-svc}}
              port: http
              proxyProtocol: HTTP/1
              accessPolicy: all-unauthenticated
            ---
            """;

    @Test
    void bindsLinkerdsPolicyThroughItsServer() {
        // Linkerd HTTPLocalRateLimitPolicy reference: targetRef is a Server; total, identity, overrides by ServiceAccount
        RateLimitBinding b = bind(SERVER + linkerdRateLimit("web-rl", """
                targetRef: {group: policy.linkerd.io, kind: Server, name: web-http}
                total: {requestsPerSecond: 100}
                identity: {requestsPerSecond: 20}
                overrides:
                - requestsPerSecond: 25
                  clientRefs:
                  - {kind: ServiceAccount, name: special-client}
                  - {kind: ServiceAccount, name: bot, namespace: tools}
                """));
        assertThat(b.problems()).isEmpty();
        RateLimitConfig c = b.configFor("emojivoto", Map.of("app", "web-svc"), 8080).orElseThrow();
        assertThat(c.total()).isEqualTo(TokenBucketSpec.perSecond(100));
        assertThat(c.perIdentity()).isEqualTo(TokenBucketSpec.perSecond(20));
        assertThat(c.overrides()).singleElement().satisfies(o -> {
            assertThat(o.clients()).containsExactlyInAnyOrder("emojivoto/special-client", "tools/bot");
            assertThat(o.limit()).isEqualTo(TokenBucketSpec.perSecond(25));
        });
        assertThat(b.configFor("emojivoto", Map.of("app", "voting"), 8080)).isEmpty();
    }

    @Test
    void linkerdsRulesAreEnforced() {
        // Linkerd reference: identity and override rps cannot exceed total; clientRefs kind is ServiceAccount only
        RateLimitBinding b = bind(SERVER + String.join("---\n", linkerdRateLimit("web-rl", """
                targetRef: {kind: Server, name: web-http}
                total: {requestsPerSecond: 10}
                identity: {requestsPerSecond: 20}
                overrides:
                - requestsPerSecond: 5
                  clientRefs: [{kind: User, name: alice}]
                """), linkerdRateLimit("second", """
                targetRef: {kind: Server, name: web-http}
                total: {requestsPerSecond: 10}
                """), linkerdRateLimit("typo", """
                targetRef: {kind: Server, name: web-htp}
                total: {requestsPerSecond: 10}
                """)));
        assertThat(b.rules()).isEmpty();
        assertThat(b.problems()).extracting(Problem::code).containsExactly("LM0507", "LM0508", "LM0507", "LM0506");
        assertThat(b.problems().get(0).path()).isEqualTo("spec.identity");
        assertThat(b.problems().get(2).message()).contains("single HTTPLocalRateLimitPolicy");
        assertThat(b.problems().get(3).message()).contains("did you mean `web-http`?");
        assertThat(b.problems().get(3).position().line()).isEqualTo(32);
    }

    @Test
    void aTargetRefToAnythingButAServerIsUnsupported() {
        RateLimitBinding b = bind(linkerdRateLimit("rl", """
                targetRef: {kind: HTTPRoute, name: web}
                total: {requestsPerSecond: 10}
                """));
        assertThat(b.problems()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo("LM0508");
            assertThat(p.path()).isEqualTo("spec.targetRef.kind");
        });
    }
}
