package dev.loopmesh.mesh;

import dev.loopmesh.controlplane.ApplyResult;
import dev.loopmesh.controlplane.ConfigEvent;
import dev.loopmesh.fixtures.CloseAfterEach;
import dev.loopmesh.telemetry.RequestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static dev.loopmesh.fixtures.GatewayApiYaml.BOOKINFO_GATEWAY;
import static dev.loopmesh.fixtures.GatewayApiYaml.JASON_TO_V2;
import static dev.loopmesh.fixtures.GatewayApiYaml.ingressRoute;
import static dev.loopmesh.fixtures.GatewayApiYaml.meshRoute;
import static dev.loopmesh.fixtures.IstioYaml.docs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Bookinfo routed by Gateway API resources (GAMMA mesh routes and an ingress Gateway), over real sockets. */
class GatewayApiMeshTest {
    @RegisterExtension
    final CloseAfterEach closing = new CloseAfterEach();
    private MeshFixture f;

    @Test
    void aMeshHttpRouteSplitsReviewsNinetyTen() {
        // HTTPBackendRef.weight: "proportional … weight/(sum of all weights)"; reviews-v1/-v3 are the per-version Services
        f = closing.add(MeshFixture.bookinfo(meshRoute("reviews", "reviews", """
                - backendRefs:
                  - {name: reviews-v1, port: 9080, weight: 90}
                  - {name: reviews-v3, port: 9080, weight: 10}
                """)));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            counts.merge(MeshFixture.versionOf(f.tree("/productpage"), "reviews"), 1, Integer::sum);
        }
        assertThat(counts.keySet()).containsOnly("v1", "v3");
        assertThat(counts.get("v3")).isBetween(6, 40);
        RequestRecord r = f.awaitAccessLog("productpage-v1-0", x -> x.reporter().equals("source") && x.upstreamCluster().contains("|v3|"));
        assertThat(r.routeName()).isEqualTo("default.reviews.0");
        assertThat(r.destinationService()).isEqualTo("reviews.default.svc.cluster.local");
        f.awaitMetrics("istio_requests_total\\{[^}]*destination_version=\"v3\"[^}]*reporter=\"source\"");
    }

    @Test
    void jasonIsRoutedToReviewsV2ByAHeaderMatch() {
        // HTTPHeaderMatch: type Exact by default, names case-insensitive
        f = closing.add(MeshFixture.bookinfo(JASON_TO_V2));
        for (int i = 0; i < 20; i++) {
            assertThat(MeshFixture.versionOf(f.tree("/productpage", "end-user", "jason"), "reviews")).isEqualTo("v2");
            assertThat(MeshFixture.versionOf(f.tree("/productpage"), "reviews")).isEqualTo("v1");
        }
    }

    @Test
    void anIngressHttpRouteRewritesThePrefixAndModifiesHeaders() {
        // HTTPURLRewriteFilter ReplacePrefixMatch; HTTPHeaderFilter set on the request, add on the response
        f = closing.add(MeshFixture.bookinfo(docs(BOOKINFO_GATEWAY, ingressRoute("bookinfo", "", """
                - matches: [{path: {type: PathPrefix, value: /shop}}]
                  filters:
                  - type: URLRewrite
                    urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}
                  - type: RequestHeaderModifier
                    requestHeaderModifier: {set: [{name: end-user, value: jason}]}
                  - type: ResponseHeaderModifier
                    responseHeaderModifier: {add: [{name: x-route, value: gateway-api}]}
                  backendRefs: [{name: productpage, port: 9080}]
                """), JASON_TO_V2)));
        HttpResponse<String> r = f.get("/shop/productpage");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-route")).hasValue("gateway-api");
        // end-user set at the gateway reaches productpage, which propagates it: the mesh route sends it to reviews v2
        assertThat(MeshFixture.versionOf(MeshFixture.JSON.readTree(r.body()), "reviews")).isEqualTo("v2");
        RequestRecord atProductpage = f.awaitAccessLog("productpage-v1-0", x -> x.reporter().equals("destination"));
        assertThat(atProductpage.path()).isEqualTo("/productpage");
        // /shopping is not under the prefix /shop and no other rule claims it: the gateway answers 404 (NR)
        assertThat(f.get("/shopping").statusCode()).isEqualTo(404);
    }

    @Test
    void aRequestTimeoutAnswers504WithFlagUT() {
        // HTTPRouteTimeouts.request; Envoy's route timeout: 504 and flag UT
        f = closing.add(MeshFixture.start("""
                apiVersion: loopmesh.dev/v1
                kind: Mesh
                metadata: {name: slow}
                spec:
                  services:
                  - {name: front, port: 8000, workloads: [{version: v1}]}
                  - {name: slow, port: 8000, workloads: [{version: v1, behavior: {latency: 2s}}]}
                  ingress:
                    routes: [{prefix: /, service: front}]
                ---
                """ + BOOKINFO_GATEWAY + "---\n" + ingressRoute("slow", "", """
                - matches: [{path: {type: PathPrefix, value: /slow}}]
                  timeouts: {request: 200ms}
                  backendRefs: [{name: slow, port: 8000}]
                - backendRefs: [{name: front, port: 8000}]
                """)));
        assertThat(f.get("/slow").statusCode()).isEqualTo(504);
        assertThat(f.get("/front").statusCode()).isEqualTo(200);
        RequestRecord r = f.awaitAccessLog(dev.loopmesh.controlplane.Registry.GATEWAY, x -> x.status() == 504);
        assertThat(r.responseFlags()).isEqualTo("UT");
    }

    @Test
    void aMirrorFilterCopiesEveryRequestWithAShadowHost() {
        // HTTPRequestMirrorFilter; Envoy's request mirroring appends -shadow to the Host
        f = closing.add(MeshFixture.bookinfo(meshRoute("reviews", "reviews", """
                - filters:
                  - type: RequestMirror
                    requestMirror: {backendRef: {name: reviews-v2, port: 9080}}
                  backendRefs: [{name: reviews-v1, port: 9080}]
                """)));
        for (int i = 0; i < 10; i++) {
            assertThat(MeshFixture.versionOf(f.tree("/productpage"), "reviews")).isEqualTo("v1");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(f.mesh.telemetry().accessLog().last("reviews-v2-0", 100)
                .stream().filter(x -> x.reporter().equals("destination"))).hasSize(10)
                .allSatisfy(x -> assertThat(x.authority()).isEqualTo("reviews-shadow:9080")));
    }

    @Test
    void theMostSpecificMatchWinsOverAnOlderBroaderRoute() {
        // HTTPRouteRule precedence across routes: exact path, then the longest prefix, whatever the routes' order
        f = closing.add(MeshFixture.bookinfo(docs(BOOKINFO_GATEWAY, ingressRoute("broad", "", """
                - backendRefs: [{name: productpage, port: 9080}]
                """), ingressRoute("narrow", "", """
                - matches: [{path: {type: PathPrefix, value: /details}}]
                  backendRefs: [{name: details, port: 9080}]
                - matches: [{path: {type: Exact, value: /details/ratings}}]
                  backendRefs: [{name: ratings, port: 9080}]
                """))));
        assertThat(f.tree("/details/ratings").get("service").asText()).isEqualTo("ratings");
        assertThat(f.tree("/details/1").get("service").asText()).isEqualTo("details");
        assertThat(f.tree("/productpage").get("service").asText()).isEqualTo("productpage");
    }

    @Test
    void aBadHttpRouteIsRejectedWithItsPositionAndTheLastGoodConfigKeepsRouting() {
        f = closing.add(MeshFixture.bookinfo(JASON_TO_V2));
        ApplyResult r = f.apply(meshRoute("reviews", "reviews", """
                - matches: [{headers: [{name: end-user, valeu: jason}]}]
                  backendRefs: [{name: reviews-v3, port: 9080}]
                """));
        assertThat(r.allAccepted()).isFalse();
        assertThat(r.outcomes().get(0).problems()).extracting(Object::toString).singleElement().asString()
                .startsWith("request.yaml:7:43: error LM0401").contains("did you mean `value`?");
        assertThat(f.mesh.controlPlane().events(0)).last().satisfies(e -> {
            assertThat(e.type()).isEqualTo(ConfigEvent.Type.REJECTED);
            assertThat(e.resource()).isEqualTo("HTTPRoute default/reviews");
        });
        assertThat(MeshFixture.versionOf(f.tree("/productpage", "end-user", "jason"), "reviews")).isEqualTo("v2");
        assertThat(MeshFixture.versionOf(f.tree("/productpage"), "reviews")).isEqualTo("v1");
    }

    @Test
    void aBackendNamingNoServiceAnswers500ForItsShare() {
        // HTTPRouteRule.backendRefs: an invalid backend's requests "MUST receive a 500 status code"
        f = closing.add(MeshFixture.bookinfo(docs(BOOKINFO_GATEWAY, ingressRoute("bookinfo", "", """
                - backendRefs: [{name: productpage-v9, port: 9080}]
                """))));
        assertThat(f.get("/productpage").statusCode()).isEqualTo(500);
        assertThat(f.awaitAccessLog(dev.loopmesh.controlplane.Registry.GATEWAY, x -> x.status() == 500).responseFlags()).isEqualTo("NC");
    }
}
