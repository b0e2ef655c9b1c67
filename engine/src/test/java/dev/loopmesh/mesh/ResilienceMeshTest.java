package dev.loopmesh.mesh;

import dev.loopmesh.MeshOptions;
import dev.loopmesh.fixtures.CloseAfterEach;
import dev.loopmesh.internal.TimeScale;
import dev.loopmesh.telemetry.MeshEvent;
import dev.loopmesh.telemetry.RequestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.loopmesh.fixtures.IstioYaml.JASON_TO_V2;
import static dev.loopmesh.fixtures.IstioYaml.REVIEWS_SUBSETS;
import static dev.loopmesh.fixtures.IstioYaml.destinationRule;
import static dev.loopmesh.fixtures.IstioYaml.docs;
import static dev.loopmesh.fixtures.IstioYaml.ratings;
import static dev.loopmesh.fixtures.IstioYaml.reviews;
import static dev.loopmesh.fixtures.IstioYaml.virtualService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Istio's resilience and fault-injection tasks on Bookinfo, reproduced over real sockets. */
class ResilienceMeshTest {
    @RegisterExtension
    final CloseAfterEach closing = new CloseAfterEach();
    private MeshFixture f;

    private static String ratingsFault(String fault) {
        return ratings("""
                - match: [{headers: {end-user: {exact: jason}}}]
                  fault:
                """ + fault.indent(4) + """
                  route: [{destination: {host: ratings}}]
                - route: [{destination: {host: ratings}}]
                """);
    }

    @Test
    void aSevenSecondDelayOnRatingsForJasonTimesOutProductpageTwiceAtThreeSecondsInScaledTime() {
        // Istio fault-injection task: "productpage ... timeout 3s with 1 retry, for 6s in total"; --time-scale 0.1
        f = closing.add(MeshFixture.start(MeshFixture.bookinfoYaml() + "\n---\n"
                        + docs(JASON_TO_V2, ratingsFault("delay: {fixedDelay: 7s, percentage: {value: 100}}")),
                MeshOptions.forTests().withTimeScale(new TimeScale(0.1))));
        // warm the path first: at a time scale of 0.1 every real millisecond of a cold JVM reads as ten
        for (int i = 0; i < 5; i++) {
            f.tree("/productpage");
        }
        long t0 = System.nanoTime();
        JsonNode tree = f.tree("/productpage", "end-user", "jason");
        long realMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(tree.get("status").asInt()).isEqualTo(200);
        JsonNode reviews = MeshFixture.call(tree, "reviews");
        assertThat(reviews.get("error").asText()).contains("app timeout after 3000ms").contains("attempt 2 of 2");
        // reported in configured time: two 3 s app timeouts
        assertThat(tree.get("durationMs").asDouble()).isBetween(6000.0, 10000.0);
        assertThat(realMs).isLessThan(3000);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(f.mesh.telemetry().accessLog().last("reviews-v2-0", 10))
                .filteredOn(r -> r.reporter().equals("source"))
                .extracting(RequestRecord::responseFlags).contains("DI"));
        // anonymous users are not delayed
        assertThat(MeshFixture.call(f.tree("/productpage"), "reviews").get("error").asText()).isEmpty();
    }

    @Test
    void anAbortOnRatingsForJasonFailsJasonAtOnceAndNoOneElse() {
        f = closing.add(MeshFixture.bookinfo(docs(JASON_TO_V2, ratingsFault("abort: {httpStatus: 500, percentage: {value: 100}}"))));
        JsonNode jason = f.tree("/productpage", "end-user", "jason");
        JsonNode ratings = MeshFixture.call(jason, "ratings");
        assertThat(ratings.get("status").asInt()).isEqualTo(500);
        assertThat(ratings.get("responseFlags").asText()).isEqualTo("FI");
        assertThat(ratings.get("durationMs").asDouble()).isLessThan(1000);
        JsonNode others = f.tree("/productpage");
        assertThat(MeshFixture.visited(others)).contains("reviews-v1").doesNotContain("ratings-v1");
    }

    @Test
    void aHalfSecondReviewsTimeoutWithRatingsDelayedTwoSecondsAnswersInAboutOneSecond() {
        // Istio request-timeouts task: reviews timeout 0.5s, ratings delayed 2s → productpage answers in about 1s
        f = closing.add(MeshFixture.bookinfo(docs(REVIEWS_SUBSETS, reviews("""
                - route: [{destination: {host: reviews, subset: v2}}]
                  timeout: 0.5s
                """), ratings("""
                - fault: {delay: {fixedDelay: 2s, percentage: {value: 100}}}
                  route: [{destination: {host: ratings}}]
                """))));
        JsonNode tree = f.tree("/productpage");
        JsonNode reviews = MeshFixture.call(tree, "reviews");
        assertThat(reviews.get("status").asInt()).isEqualTo(504);
        assertThat(reviews.get("responseFlags").asText()).isEqualTo("UT");
        // two app attempts of 0.5 s each
        assertThat(tree.get("durationMs").asDouble()).isBetween(1000.0, 2500.0);
    }

    @Test
    void connectionLimitsOverflowAs503UOWithTheOverloadedHeader() {
        // Istio circuit-breaking task: maxConnections 1, http1MaxPendingRequests 1, maxRequestsPerConnection 1
        f = closing.add(MeshFixture.bookinfo(destinationRule("productpage", """
                trafficPolicy:
                  connectionPool:
                    tcp: {maxConnections: 1}
                    http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1}
                """)));
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                batch.add(CompletableFuture.supplyAsync(() -> f.get("/productpage")));
            }
            batch.forEach(CompletableFuture::join);
            all.addAll(batch);
        }
        List<HttpResponse<String>> responses = all.stream().map(CompletableFuture::join).toList();
        assertThat(responses).extracting(HttpResponse::statusCode).contains(200, 503);
        assertThat(responses).filteredOn(r -> r.statusCode() == 503)
                .allSatisfy(r -> assertThat(r.headers().firstValue("x-envoy-overloaded")).hasValue("true"));
        assertThat(f.mesh.telemetry().accessLog().last("istio-ingressgateway", 100))
                .extracting(RequestRecord::responseFlags).contains("UO");
        assertThat(f.mesh.telemetry().metrics().scrape()).contains("envoy_cluster_upstream_rq_pending_overflow_total");
    }

    @Test
    void anEndpointAnswering5xxIsEjectedAndComesBackAfterTheEjectionTime() {
        // Envoy outlier detection: consecutive 5xx ejects; the host returns after baseEjectionTime at an interval sweep
        f = closing.add(MeshFixture.start(docs("""
                apiVersion: loopmesh.dev/v1
                kind: Mesh
                metadata: {name: outlier}
                spec:
                  services:
                  - name: web
                    port: 8000
                    workloads:
                    - {version: v1, behavior: {errorRate: 1.0, errorStatus: 503}}
                    - {version: v2}
                  ingress: {routes: [{prefix: /, service: web}]}
                """, destinationRule("web", """
                trafficPolicy:
                  loadBalancer: {simple: ROUND_ROBIN}
                  outlierDetection: {consecutive5xxErrors: 2, interval: 1s, baseEjectionTime: 2s, maxEjectionPercent: 100}
                """))));
        for (int i = 0; i < 6; i++) {
            f.get("/");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(f.mesh.events().after(0))
                .filteredOn(e -> e.kind().equals("outlier")).extracting(MeshEvent::type).contains("EJECTED"));
        // while web-v1-0 is ejected every request goes to v2
        for (int i = 0; i < 10; i++) {
            assertThat(f.get("/").body()).contains("\"version\":\"v2\"");
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(f.mesh.events().after(0))
                .filteredOn(e -> e.kind().equals("outlier")).extracting(MeshEvent::type).contains("EJECTED", "RETURNED"));
    }

    @Test
    void mirroringToV2SendsItEveryRequestWhileClientsOnlySeeV1() {
        // Istio mirroring task: "the mirrored traffic is fire and forget"; Host gets -shadow
        f = closing.add(MeshFixture.bookinfo(docs(REVIEWS_SUBSETS, reviews("""
                - route: [{destination: {host: reviews, subset: v1}, weight: 100}]
                  mirror: {host: reviews, subset: v2}
                  mirrorPercentage: {value: 100.0}
                """))));
        for (int i = 0; i < 20; i++) {
            assertThat(MeshFixture.versionOf(f.tree("/productpage"), "reviews")).isEqualTo("v1");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(f.mesh.telemetry().accessLog().last("reviews-v2-0", 100)
                .stream().filter(r -> r.reporter().equals("destination"))).hasSize(20)
                .allSatisfy(r -> assertThat(r.authority()).isEqualTo("reviews-shadow:9080")));
    }

    @Test
    void aFourPerMinuteRateLimitRefusesTheFifthRequestWith429RL() {
        f = closing.add(MeshFixture.bookinfo("""
                apiVersion: loopmesh.dev/v1
                kind: LocalRateLimit
                metadata: {name: productpage}
                spec:
                  selector: {matchLabels: {app: productpage}}
                  tokenBucket: {maxTokens: 4, tokensPerFill: 4, fillInterval: 1m}
                """));
        for (int i = 0; i < 4; i++) {
            assertThat(f.get("/productpage").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> fifth = f.get("/productpage");
        assertThat(fifth.statusCode()).isEqualTo(429);
        assertThat(fifth.headers().firstValue("x-local-rate-limit")).hasValue("true");
        assertThat(f.mesh.telemetry().accessLog().last("productpage-v1-0", 10))
                .extracting(RequestRecord::responseFlags).containsOnlyOnce("RL");
    }

    @Test
    void aKilledPodIsRefusedAndComesBackWhenTheChaosIsRemoved() {
        f = closing.add(MeshFixture.bookinfo(JASON_TO_V2));
        String id = f.mesh.chaos().apply(dev.loopmesh.chaos.ChaosBinder.parse("kill: {pod: ratings-v1-0}",
                dev.loopmesh.chaos.ChaosNames.ANY).specs().get(0));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(MeshFixture.call(f.tree("/productpage", "end-user", "jason"), "ratings").get("status").asInt()).isEqualTo(503));
        f.mesh.chaos().remove(id);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(MeshFixture.call(f.tree("/productpage", "end-user", "jason"), "ratings").get("status").asInt()).isEqualTo(200));
        assertThat(f.mesh.events().after(0)).filteredOn(e -> e.kind().equals("chaos")).extracting(MeshEvent::type)
                .contains("STARTED", "ENDED");
    }

    @Test
    void aPartitionBetweenReviewsAndRatingsFailsTheCallWithUF() {
        f = closing.add(MeshFixture.start(MeshFixture.bookinfoYaml() + "\n---\n" + docs(JASON_TO_V2,
                destinationRule("ratings", "trafficPolicy: {connectionPool: {tcp: {connectTimeout: 200ms}}}\n"), """
                apiVersion: loopmesh.dev/v1
                kind: Chaos
                metadata: {name: cut}
                spec:
                  partition: {between: [reviews, ratings]}
                """), MeshOptions.forTests()));
        JsonNode ratings = MeshFixture.call(f.tree("/productpage", "end-user", "jason"), "ratings");
        assertThat(ratings.get("status").asInt()).isEqualTo(503);
        assertThat(ratings.get("responseFlags").asText()).contains("UF");
    }

    @Test
    void aRetryBudgetRefusesRetriesBeyondItAsUOAndCountsTheOverflow() {
        // Envoy RetryStateImpl::shouldRetry: when the retries resource (here the DestinationRule's retryBudget, which
        // overrides maxRetries) cannot create one more, the retry is not made: upstream_rq_retry_overflow, flag UO,
        // and the request ends with the response it got
        f = closing.add(MeshFixture.start(docs("""
                apiVersion: loopmesh.dev/v1
                kind: Mesh
                metadata: {name: budget}
                spec:
                  services:
                  - name: front
                    port: 8000
                    workloads:
                    - {version: v1, behavior: {calls: [{service: web, path: /}]}}
                  - name: web
                    port: 8000
                    workloads:
                    - {version: v1, behavior: {latency: {fixed: 200ms}, errorRate: 1.0, errorStatus: 503}}
                  ingress: {routes: [{prefix: /, service: front}]}
                """, virtualService("web", """
                - route: [{destination: {host: web}}]
                  retries: {attempts: 3, retryOn: 5xx}
                """), destinationRule("web", """
                trafficPolicy:
                  connectionPool: {http: {maxRetries: 1000}}
                  retryBudget: {percent: 0, minRetryConcurrency: 1}
                """))));
        List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            batch.add(CompletableFuture.supplyAsync(() -> f.get("/")));
        }
        batch.forEach(CompletableFuture::join);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<RequestRecord> calls = f.mesh.telemetry().accessLog().last("front-v1-0", 100).stream()
                    .filter(r -> r.reporter().equals("source")).toList();
            // one retry may be outstanding at a time: the request holding it runs out of retries (URX), the rest overflow
            assertThat(calls).extracting(RequestRecord::responseFlags).contains("UO", "URX");
            assertThat(calls).filteredOn(r -> r.responseFlags().equals("UO")).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.trace()).anyMatch(t -> t.contains("retry not attempted (overflow): retry budget (0% of"));
            });
        });
        assertThat(f.mesh.telemetry().metrics().registry().get("envoy_cluster_upstream_rq_retry_overflow")
                .tag("proxy", "front-v1-0").counter().count()).isPositive();
        assertThat(f.mesh.telemetry().metrics().scrape()).contains("envoy_cluster_upstream_rq_retry_overflow_total{");
    }
}
