package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.policy.resilience.ConnectionPoolSettings;
import dev.loopmesh.policy.resilience.OutlierSettings;
import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.policy.routing.LbPolicy;
import dev.loopmesh.policy.routing.RoutingDecision;
import dev.loopmesh.policy.routing.RoutingDecision.Outcome;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Severity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static dev.loopmesh.controlplane.istio.Requests.get;
import static dev.loopmesh.controlplane.istio.Translation.SUBSETS;
import static dev.loopmesh.controlplane.istio.Translation.fromProductpage;
import static dev.loopmesh.controlplane.istio.Translation.translate;
import static dev.loopmesh.fixtures.IstioYaml.ratings;
import static dev.loopmesh.fixtures.IstioYaml.reviews;
import static dev.loopmesh.fixtures.IstioYaml.virtualService;
import static org.assertj.core.api.Assertions.assertThat;

class TranslationTest {

    @Test
    void delegatePullsTheDelegateRulesInWithMergedMatches() {
        // Istio Delegate: "the root's match conditions are merged with the delegate's; a delegate rule that conflicts is dropped"
        String yaml = SUBSETS + virtualService("root", "reviews", """
                - name: api
                  match: [{uri: {prefix: /api}}]
                  timeout: 5s
                  delegate: {name: reviews-api}
                - route: [{destination: {host: reviews, subset: v1}}]
                """) + """
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews-api}
                spec:
                  http:
                  - name: v2
                    match: [{uri: {prefix: /api/v2}}]
                    route: [{destination: {host: reviews, subset: v2}}]
                  - name: conflicting
                    match: [{uri: {prefix: /other}}]
                    route: [{destination: {host: reviews, subset: v3}}]
                  - route: [{destination: {host: reviews, subset: v3}}]
                """;
        RoutingDecision v2 = fromProductpage(yaml, get("reviews", "/api/v2/x"));
        assertThat(v2.subset()).isEqualTo("v2");
        assertThat(v2.routeName()).isEqualTo("api-v2");
        assertThat(v2.timeout()).isEqualTo(Duration.ofSeconds(5)); // unset in the delegate: the root's
        assertThat(v2.trace()).last().asString().contains("rule 0 → delegate default/reviews-api rule 0");
        assertThat(fromProductpage(yaml, get("reviews", "/api/other")).subset()).isEqualTo("v3");
        assertThat(fromProductpage(yaml, get("reviews", "/other")).subset()).isEqualTo("v1");
        assertThat(translate(yaml).get("productpage-v1-0").resources()).contains("VirtualService default/reviews-api");
    }

    @Test
    void rewriteReplacesTheMatchedPrefixOrTheWholePath() {
        // Istio HTTPRewrite.uri: "rewrite the path (or the prefix) portion of the URI with this value"
        String yaml = ratings("""
                - match: [{uri: {prefix: /old}}]
                  rewrite: {uri: /new, authority: ratings.internal}
                  route: [{destination: {host: ratings}}]
                - match: [{uri: {exact: /exact}}]
                  rewrite: {uri: /replaced}
                  route: [{destination: {host: ratings}}]
                - match: [{uri: {prefix: /strip}}]
                  rewrite: {uri: /}
                  route: [{destination: {host: ratings}}]
                - match: [{uri: {prefix: /rx}}]
                  rewrite: {uriRegexRewrite: {match: "^/rx/([a-z]+)/(\\\\d+)", rewrite: "/\\\\2/\\\\1"}}
                  route: [{destination: {host: ratings}}]
                """);
        RoutingDecision p = fromProductpage(yaml, get("ratings", "/old/path?q=1"));
        assertThat(p.rewritePath()).isEqualTo("/new/path?q=1");
        assertThat(p.rewriteAuthority()).isEqualTo("ratings.internal");
        assertThat(fromProductpage(yaml, get("ratings", "/exact?q=2")).rewritePath()).isEqualTo("/replaced?q=2");
        assertThat(fromProductpage(yaml, get("ratings", "/strip/a")).rewritePath()).isEqualTo("/a");
        assertThat(fromProductpage(yaml, get("ratings", "/rx/abc/42?z")).rewritePath()).isEqualTo("/42/abc?z");
    }

    @Test
    void redirectDirectResponseHeadersMirrorsAndCors() {
        // Istio HTTPRedirect: "redirectCode … default 301"; HTTPDirectResponse; Headers; mirror with mirrorPercentage (default 100)
        String yaml = SUBSETS + reviews("""
                - match: [{uri: {prefix: /moved}}]
                  redirect: {uri: /new, authority: other.example.com, scheme: https}
                - match: [{uri: {prefix: /gone}}]
                  directResponse: {status: 410, body: {string: "gone"}}
                - headers:
                    request: {set: {X-Route: r}, remove: [x-secret]}
                    response: {add: {x-served-by: rule}}
                  mirror: {host: reviews, subset: v3}
                  mirrorPercentage: {value: 25}
                  corsPolicy: {allowOrigins: [{exact: "https://a.example"}], allowMethods: [GET]}
                  route:
                  - destination: {host: reviews, subset: v1}
                    headers: {request: {set: {x-dest: v1}}}
                """);
        RoutingDecision r = fromProductpage(yaml, get("reviews", "/moved/x?a=1"));
        assertThat(r.outcome()).isEqualTo(Outcome.REDIRECT);
        assertThat(r.status()).isEqualTo(301);
        assertThat(r.body()).isEqualTo("https://other.example.com/new?a=1");
        RoutingDecision g = fromProductpage(yaml, get("reviews", "/gone"));
        assertThat(g.outcome()).isEqualTo(Outcome.DIRECT_RESPONSE);
        assertThat(g.status()).isEqualTo(410);
        assertThat(g.body()).isEqualTo("gone");
        RoutingDecision d = fromProductpage(yaml, get("reviews:9080", "/"));
        assertThat(d.requestHeaders().set()).isEqualTo(Map.of("x-route", "r", "x-dest", "v1"));
        assertThat(d.requestHeaders().remove()).containsExactly("x-secret");
        assertThat(d.responseHeaders().add()).isEqualTo(Map.of("x-served-by", "rule"));
        assertThat(d.mirrors()).hasSize(1);
        assertThat(d.mirrors().get(0).cluster()).isEqualTo("outbound|9080|v3|reviews.default.svc.cluster.local");
        assertThat(d.mirrors().get(0).authority()).isEqualTo("reviews:9080");
        assertThat(d.mirrors().get(0).percent()).isEqualTo(25);
        assertThat(d.cors().allowMethods()).containsExactly("GET");
    }

    @Test
    void destinationRulePoliciesGoIntoClustersWithSubsetOverrides() {
        // Istio DestinationRule: "Policies specified for subsets … override the settings specified at the service level"
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews}
                spec:
                  host: reviews.default.svc.cluster.local
                  trafficPolicy:
                    loadBalancer: {simple: ROUND_ROBIN}
                    connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}
                    tls: {mode: ISTIO_MUTUAL}
                  subsets:
                  - name: v2
                    labels: {version: v2}
                    trafficPolicy:
                      loadBalancer: {consistentHash: {httpHeaderName: X-User}}
                      outlierDetection: {consecutive5xxErrors: 1, baseEjectionTime: 1m}
                """;
        Map<String, ClusterConfig> c = translate(yaml).get("productpage-v1-0").clusters();
        ClusterConfig all = c.get("outbound|9080||reviews.default.svc.cluster.local");
        assertThat(all.lb().kind()).isEqualTo(LbPolicy.Kind.ROUND_ROBIN);
        assertThat(all.connectionPool().maxConnections()).isEqualTo(1);
        assertThat(all.connectionPool().http2MaxRequests()).isEqualTo(ConnectionPoolSettings.UNLIMITED);
        assertThat(all.outlier()).isNull();
        assertThat(all.tlsMode()).isEqualTo("ISTIO_MUTUAL");
        assertThat(all.destinationRule()).isEqualTo("default/reviews");
        ClusterConfig v2 = c.get("outbound|9080|v2|reviews.default.svc.cluster.local");
        assertThat(v2.lb()).isEqualTo(new LbPolicy(LbPolicy.Kind.CONSISTENT_HASH, LbPolicy.HashOn.HEADER, "x-user"));
        assertThat(v2.connectionPool().maxConnections()).isEqualTo(1);
        assertThat(v2.outlier().consecutive5xxErrors()).isEqualTo(1);
        assertThat(v2.outlier().baseEjectionTime()).isEqualTo(Duration.ofMinutes(1));
        assertThat(v2.outlier().interval()).isEqualTo(OutlierSettings.ISTIO_DEFAULT.interval());
        assertThat(c.get("outbound|9080||ratings.default.svc.cluster.local").lb()).isEqualTo(LbPolicy.DEFAULT);
    }

    @Test
    void translatingTwiceGivesEqualSnapshotsAndAChangeTouchesOnlyTheProxiesItAffects() {
        // control plane contract: deterministic translation, push only what changed
        String yaml = SUBSETS + reviews("""
                - match: [{sourceLabels: {app: productpage}}]
                  route: [{destination: {host: reviews, subset: v2}}]
                - route: [{destination: {host: reviews, subset: v1}}]
                """);
        Map<String, ProxySnapshot> a = translate(yaml);
        Map<String, ProxySnapshot> b = translate(yaml);
        assertThat(a.keySet()).contains("productpage-v1-0", "reviews-v1-0", "ratings-v1-0", Registry.GATEWAY);
        a.forEach((k, v) -> assertThat(v.sameContent(b.get(k), new IdentityHashMap<>())).as(k).isTrue());
        Map<String, ProxySnapshot> changed = translate(yaml.replace("subset: v2}}]", "subset: v3}}]"));
        assertThat(changed.get("productpage-v1-0").sameContent(a.get("productpage-v1-0"), new IdentityHashMap<>())).isFalse();
        assertThat(changed.get("ratings-v1-0").sameContent(a.get("ratings-v1-0"), new IdentityHashMap<>())).isTrue();
        assertThat(changed.get(Registry.GATEWAY).sameContent(a.get(Registry.GATEWAY), new IdentityHashMap<>())).isTrue();
    }

    @Test
    void validationNamesPositionPathAndTheNearestKey() {
        String yaml = reviews("""
                - match: [{uri: {prefix: /a, exact: /b}}, {headers: {x: {regex: "(unclosed"}}}]
                  timeout: 3
                  route:
                  - destination: {host: reviews, subst: v1}
                    weight: 30
                  - destination: {host: reviews}
                    weight: 30
                  fault: {delay: {fixedDelay: 1s, percentage: {value: 150}}}
                """);
        List<Problem> problems = new IstioTranslator().validate(TestYaml.resource(yaml), TestYaml.registry());
        assertThat(problems).extracting(Problem::toString).contains(
                "test.yaml:10:36: error LM0301: unknown field `subst` (did you mean `subset`?) (at spec.http[0].route[0].destination.subst)",
                "test.yaml:8:14: error LM0303: `timeout`: duration `3` has no unit (expected: like 3ms or 3s) (at spec.http[0].timeout)");
        assertThat(problems).anyMatch(p -> p.code().equals(IstioCodes.CONFLICT) && p.message().contains("has prefix and exact"));
        assertThat(problems).anyMatch(p -> p.code().equals(IstioCodes.BAD_REGEX) && p.path().equals("spec.http[0].match[1].headers.x.regex"));
        assertThat(problems).anyMatch(p -> p.code().equals(IstioCodes.PERCENT_RANGE) && p.message().contains("150"));
        assertThat(problems).anyMatch(p -> p.code().equals(IstioCodes.WEIGHTS) && p.severity() == Severity.WARNING
                && p.message().contains("add up to 60"));
    }

    @Test
    void analyzeReportsUnknownSubsetsAndAFaultThatNeverFires() {
        // istioctl analyze IST0101 ReferencedResourceNotFound; istio/api#2522: an unset fault percentage is 0 %
        String yaml = SUBSETS + reviews("""
                - fault: {abort: {httpStatus: 500}}
                  route: [{destination: {host: reviews, subset: v9}}]
                """);
        List<Problem> problems = new IstioTranslator().analyze(TestYaml.registry(), TestYaml.resources(yaml));
        assertThat(problems).anyMatch(p -> p.code().equals(IstioCodes.UNKNOWN_SUBSET) && p.severity() == Severity.ERROR
                && p.message().startsWith("subset `v9` of host reviews.default.svc.cluster.local is not defined by DestinationRule default/reviews (it defines: v1, v2, v3)")
                && p.position().line() == 18);
        assertThat(problems).anyMatch(p -> p.code().equals(IstioCodes.FAULT_NEVER));
        RoutingDecision d = fromProductpage(yaml, get("reviews", "/"));
        assertThat(d.fault().abortPercent()).isZero();
    }

    @Test
    void aResourceWithErrorsIsLeftOutNeverHalfApplied() {
        String yaml = SUBSETS + reviews("""
                - route: [{destination: {host: reviews, subset: v2}}]
                  timeout: soon
                """);
        assertThat(fromProductpage(yaml, get("reviews", "/")).routeName()).isEqualTo("default");
    }
}
