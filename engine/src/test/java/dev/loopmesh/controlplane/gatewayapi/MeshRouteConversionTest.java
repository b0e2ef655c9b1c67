package dev.loopmesh.controlplane.gatewayapi;

import dev.loopmesh.policy.routing.RoutingDecision;
import dev.loopmesh.policy.routing.RoutingDecision.Outcome;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Severity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.loopmesh.controlplane.gatewayapi.Translated.get;
import static dev.loopmesh.controlplane.gatewayapi.Translated.request;
import static dev.loopmesh.fixtures.GatewayApiYaml.JASON_TO_V2;
import static dev.loopmesh.fixtures.GatewayApiYaml.meshRoute;
import static org.assertj.core.api.Assertions.assertThat;

/** GAMMA: HTTPRoutes whose parent is a Service route that service's traffic at every client sidecar. */
class MeshRouteConversionTest {

    @Test
    void aHeaderMatchSendsJasonToTheV2ServiceAndTheRestToV1() {
        // Istio's request-routing task with the Gateway API: backendRefs to the per-version Services reviews-v1, reviews-v2
        Translated t = Translated.of(JASON_TO_V2);
        RoutingDecision jason = t.fromProductpage(get("reviews:9080", "/reviews/0", "end-user", "jason"));
        assertThat(jason.cluster()).isEqualTo("outbound|9080|v2|reviews.default.svc.cluster.local");
        assertThat(jason.routeKind()).isEqualTo("HTTPRoute");
        assertThat(jason.virtualService()).isEqualTo("default/reviews");
        assertThat(jason.ruleIndex()).isZero();
        assertThat(jason.routeName()).isEqualTo("default.reviews.0");
        assertThat(jason.trace()).anyMatch(s -> s.contains("HTTPRoute default/reviews rule 0 match 0"));
        assertThat(t.fromProductpage(get("reviews:9080", "/reviews/0")).cluster())
                .isEqualTo("outbound|9080|v1|reviews.default.svc.cluster.local");
        // the per-version clusters hold that version's pods only
        assertThat(t.snapshots.get("productpage-v1-0").clusters().get("outbound|9080|v2|reviews.default.svc.cluster.local")
                .endpoints()).extracting(e -> e.labels().get("version")).containsOnly("v2");
        assertThat(t.snapshots.get("productpage-v1-0").resources()).contains("HTTPRoute default/reviews");
        assertThat(t.problems()).isEmpty();
    }

    @Test
    void weightsSplitTheRequestsNinetyTen() {
        // HTTPBackendRef.weight: "proportional … weight/(sum of all weights)"
        Translated t = Translated.of(meshRoute("reviews", "reviews", """
                - backendRefs:
                  - {name: reviews-v1, port: 9080, weight: 90}
                  - {name: reviews-v3, port: 9080, weight: 10}
                """));
        Map<String, Integer> counts = new HashMap<>();
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 2000; i++) {
            RoutingDecision d = t.snapshots.get("productpage-v1-0").routes().route(get("reviews:9080", "/reviews/0"), random);
            counts.merge(d.subset(), 1, Integer::sum);
        }
        assertThat(counts.keySet()).containsOnly("v1", "v3");
        assertThat(counts.get("v3")).isBetween(150, 250);
    }

    @Test
    void aBackendNamingNoServiceAnswers500AndIsAWarning() {
        // HTTPRouteRule.backendRefs: "requests that would have been sent to an invalid backend … MUST receive a 500"
        Translated t = Translated.of(meshRoute("reviews", "reviews", """
                - backendRefs:
                  - {name: reviews-v1, port: 9080, weight: 50}
                  - {name: reviews-v9, port: 9080, weight: 50}
                """));
        assertThat(t.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Severity.WARNING);
            assertThat(p.code()).isEqualTo(GatewayApiCodes.UNKNOWN_BACKEND);
            assertThat(p.toString()).contains("test.yaml:9:7").contains("reviews-v9").contains("500");
        });
        Map<Integer, Integer> statuses = new HashMap<>();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            RoutingDecision d = t.snapshots.get("productpage-v1-0").routes().route(get("reviews:9080", "/"), random);
            boolean missing = !t.snapshots.get("productpage-v1-0").clusters().containsKey(d.cluster());
            statuses.merge(missing ? d.clusterNotFoundStatus() : 200, 1, Integer::sum);
        }
        assertThat(statuses.keySet()).containsOnly(200, 500);
    }

    @Test
    void timeoutsRequestAndBackendRequestFollowIstiod() {
        // istiod: timeouts.request is the route timeout; backendRequest the per-try timeout under retry, else the timeout
        Translated t = Translated.of(meshRoute("ratings", "ratings", """
                - matches: [{path: {type: PathPrefix, value: /slow}}]
                  timeouts: {request: 2s}
                  backendRefs: [{name: ratings, port: 9080}]
                - matches: [{path: {type: PathPrefix, value: /retried}}]
                  timeouts: {request: 3s, backendRequest: 1s}
                  retry: {attempts: 3, codes: [503]}
                  backendRefs: [{name: ratings, port: 9080}]
                - backendRefs: [{name: ratings, port: 9080}]
                """));
        RoutingDecision slow = t.route("reviews-v2-0", get("ratings:9080", "/slow/1"));
        assertThat(slow.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(slow.retry().attempts()).isEqualTo(2); // no retry stanza: the mesh default
        RoutingDecision retried = t.route("reviews-v2-0", get("ratings:9080", "/retried"));
        assertThat(retried.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(retried.retry().attempts()).isEqualTo(3);
        assertThat(retried.retry().perTryTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(retried.retry().retryOn()).contains("503", "retriable-status-codes", "connect-failure");
        assertThat(t.route("reviews-v2-0", get("ratings:9080", "/other")).timeout()).isNull();
    }

    @Test
    void theMostSpecificMatchWinsAcrossRoutesWhateverTheirOrder() {
        // HTTPRouteRule precedence: exact path, longest prefix, method, most headers, most query params; then the older route
        Translated t = Translated.of(meshRoute("broad", "ratings", """
                - matches: [{path: {type: PathPrefix, value: /}}]
                  backendRefs: [{name: details, port: 9080}]
                - matches: [{path: {type: PathPrefix, value: /ratings}, headers: [{name: x-a, value: "1"}]}]
                  backendRefs: [{name: details, port: 9080}]
                """), meshRoute("narrow", "ratings", """
                - matches: [{path: {type: PathPrefix, value: /ratings/}}]
                  backendRefs: [{name: ratings, port: 9080}]
                - matches: [{path: {type: PathPrefix, value: /ratings}, headers: [{name: x-a, value: "1"}, {name: x-b, value: "2"}]}]
                  backendRefs: [{name: reviews, port: 9080}]
                - matches: [{path: {type: Exact, value: /ratings/0}}]
                  backendRefs: [{name: productpage, port: 9080}]
                - matches: [{path: {type: PathPrefix, value: /ratings}, method: POST}]
                  backendRefs: [{name: productpage, port: 9080}]
                """));
        assertThat(host(t, get("ratings:9080", "/ratings/0"))).isEqualTo("productpage"); // exact beats every prefix
        assertThat(host(t, get("ratings:9080", "/ratings/1", "x-a", "1", "x-b", "2"))).isEqualTo("reviews"); // more headers
        assertThat(host(t, get("ratings:9080", "/ratings/1", "x-a", "1"))).isEqualTo("details"); // the older route's one header
        assertThat(host(t, request("POST", "ratings:9080", "/ratings/1"))).isEqualTo("productpage"); // a method beats none
        assertThat(host(t, get("ratings:9080", "/ratings/1"))).isEqualTo("ratings"); // a trailing / is ignored: same prefix
        assertThat(host(t, get("ratings:9080", "/ratingsx"))).isEqualTo("details"); // a prefix matches whole segments
        assertThat(host(t, get("ratings:9080", "/other"))).isEqualTo("details");
    }

    private static String host(Translated t, dev.loopmesh.policy.routing.RequestView req) {
        RoutingDecision d = t.route("reviews-v2-0", req);
        assertThat(d.outcome()).isEqualTo(Outcome.ROUTE);
        return d.destinationHost().substring(0, d.destinationHost().indexOf('.'));
    }

    @Test
    void aMirrorCopiesTheRequestsToItsBackend() {
        Translated t = Translated.of(meshRoute("ratings", "ratings", """
                - filters:
                  - type: RequestMirror
                    requestMirror: {backendRef: {name: details, port: 9080}, percent: 50}
                  backendRefs: [{name: ratings, port: 9080}]
                """));
        RoutingDecision d = t.route("reviews-v2-0", get("ratings:9080", "/ratings/0"));
        assertThat(d.mirrors()).singleElement().satisfies(m -> {
            assertThat(m.cluster()).isEqualTo("outbound|9080||details.default.svc.cluster.local");
            assertThat(m.percent()).isEqualTo(50.0);
        });
    }

    @Test
    void aSidecarPrefersTheHttpRouteOfItsNamespaceOverAVirtualServiceAndBothAreWarned() {
        // istiod's SelectVirtualServices: routes with gateway semantics of the proxy's namespace come first
        String vs = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews}
                spec:
                  hosts: [reviews]
                  http:
                  - route: [{destination: {host: reviews, subset: v3}}]
                """;
        Translated t = Translated.of(vs, JASON_TO_V2);
        assertThat(t.fromProductpage(get("reviews:9080", "/")).cluster()).isEqualTo("outbound|9080|v1|reviews.default.svc.cluster.local");
        assertThat(t.problems()).filteredOn(p -> p.code().equals(GatewayApiCodes.ROUTE_CONFLICT)).hasSize(2)
                .allSatisfy(p -> assertThat(p.message()).contains("VirtualService default/reviews and HTTPRoute default/reviews both route")
                        .contains("namespace default: HTTPRoute default/reviews"));
    }

    @Test
    void anInvalidRouteIsAnErrorWithItsPosition() {
        Translated t = Translated.of(meshRoute("reviews", "reviews", """
                - matches: [{path: {type: Prefix, value: /}}]
                  backendRefs: [{name: reviews, port: 9080, wieght: 3}]
                """));
        assertThat(t.problems()).filteredOn(p -> p.severity() == Severity.ERROR).extracting(Problem::toString)
                .anyMatch(s -> s.startsWith("test.yaml:7:29: error LM0404") && s.contains("PathPrefix"))
                .anyMatch(s -> s.startsWith("test.yaml:8:47: error LM0401") && s.contains("did you mean `weight`?"));
    }
}
