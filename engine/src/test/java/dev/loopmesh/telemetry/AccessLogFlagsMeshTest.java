package dev.loopmesh.telemetry;

import dev.loopmesh.telemetry.tracing.SpanRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Whole mesh: one request fans out from {@code front} to services each configured, with Istio YAML, to end
 * one way — and the caller's access log shows Envoy's response flag for each (Envoy access log
 * "%RESPONSE_FLAGS%"). A local rate limit answers at the callee's inbound listener, so RL is in its log.
 */
class AccessLogFlagsMeshTest {
    static final String MESH = """
            apiVersion: loopmesh.dev/v1
            kind: Mesh
            metadata: {name: flags}
            spec:
              namespace: default
              services:
              - name: front
                port: 9080
                workloads:
                - version: v1
                  behavior:
                    parallel: true
                    onCallFailure: degrade
                    calls:
                    - {service: slow, path: /slow}
                    - {service: flaky, path: /flaky}
                    - {service: delayed, path: /delayed}
                    - {service: aborted, path: /aborted}
                    - {service: busy, path: /busy}
                    - {service: busy, path: /busy}
                    - {service: busy, path: /busy}
                    - {service: busy, path: /busy}
                    - {service: limited, path: /limited}
                    - {service: limited, path: /limited}
              - {name: limited, port: 9080, workloads: [{version: v1}]}
              - {name: slow, port: 9080, workloads: [{version: v1, behavior: {latency: {fixed: 400ms}}}]}
              - {name: flaky, port: 9080, workloads: [{version: v1, behavior: {errorRate: 1, errorStatus: 503}}]}
              - {name: delayed, port: 9080, workloads: [{version: v1}]}
              - {name: aborted, port: 9080, workloads: [{version: v1}]}
              - {name: busy, port: 9080, workloads: [{version: v1, behavior: {latency: {fixed: 300ms}}}]}
              ingress:
                routes: [{prefix: /front, service: front}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: slow}
            spec:
              hosts: [slow]
              http: [{timeout: 50ms, route: [{destination: {host: slow}}]}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: flaky}
            spec:
              hosts: [flaky]
              http: [{retries: {attempts: 2, retryOn: 5xx}, route: [{destination: {host: flaky}}]}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: delayed}
            spec:
              hosts: [delayed]
              http:
              - fault: {delay: {fixedDelay: 20ms, percentage: {value: 100}}}
                route: [{destination: {host: delayed}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: aborted}
            spec:
              hosts: [aborted]
              http:
              - fault: {abort: {httpStatus: 503, percentage: {value: 100}}}
                route: [{destination: {host: aborted}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: busy}
            spec:
              host: busy
              trafficPolicy:
                connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}
            ---
            apiVersion: loopmesh.dev/v1
            kind: LocalRateLimit
            metadata: {name: limited}
            spec:
              selector: {matchLabels: {app: limited}}
              tokenBucket: {maxTokens: 1, tokensPerFill: 1, fillInterval: 1m}
            """;

    static LiveMesh m;
    static List<String> frontLog;

    @BeforeAll
    static void oneRequestThroughFront() {
        m = LiveMesh.start(MESH);
        // not waited for: the busy call left pending can wait for a connection that another event loop's pool
        // keeps idle (a data-plane issue, reported); only the access log lines matter here
        m.getAsync("/front");
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            List<String> l = frontLines();
            return l.stream().filter(x -> x.contains("GET /busy ")).count() >= 3
                    && List.of("/slow", "/flaky", "/delayed", "/aborted", "/limited").stream()
                    .allMatch(p -> l.stream().filter(x -> x.contains("\"GET " + p + " HTTP/1.1\"")).count()
                            >= (p.equals("/limited") ? 2 : 1));
        });
        frontLog = frontLines();
    }

    @AfterAll
    static void stop() {
        if (m != null) {
            m.close();
        }
    }

    private static List<String> frontLines() {
        HttpResponse<String> r = m.admin("/api/accesslog?proxy=front-v1-0&limit=100");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body().lines().collect(Collectors.toList());
    }

    /** The one line for {@code path}, e.g. {@code "GET /slow HTTP/1.1" 504 UT response_timeout ...}. */
    private static List<String> lines(String path) {
        return frontLog.stream().filter(l -> l.contains("\"GET " + path + " HTTP/1.1\"")).collect(Collectors.toList());
    }

    @Test
    void aRouteTimeoutIsUT() {
        // Istio HTTPRoute.timeout; Envoy: 504, UT
        assertThat(lines("/slow")).singleElement().asString().contains("\" 504 UT response_timeout ");
    }

    @Test
    void retriesThatRunOutAreURX() {
        // Istio HTTPRetry attempts 2 on 5xx: three tries, then the last 503 with URX
        assertThat(lines("/flaky")).singleElement().asString().contains("\" 503 URX via_upstream ")
                .contains("outbound|9080||flaky.default.svc.cluster.local");
    }

    @Test
    void anInjectedDelayIsDIAndTheRequestStillGoesThrough() {
        assertThat(lines("/delayed")).singleElement().asString().contains("\" 200 DI via_upstream ");
    }

    @Test
    void anInjectedAbortIsFI() {
        assertThat(lines("/aborted")).singleElement().asString().contains("\" 503 FI fault_filter_abort ").contains("\"-\" 0 ");
    }

    @Test
    void connectionPoolOverflowIsUO() {
        // DestinationRule connectionPool: 1 connection, 1 pending request; 4 at once → 2 overflow, 503 UO
        List<String> busy = lines("/busy");
        assertThat(busy).filteredOn(l -> l.contains("\" 503 UO upstream_reset_before_response_started{overflow} ")).hasSize(2);
        assertThat(busy).filteredOn(l -> l.contains("\" 200 - via_upstream ")).isNotEmpty();
    }

    @Test
    void aLocalRateLimitIsRLAtTheCalleesSidecar() {
        // Envoy local rate limit: 429 with RL (and x-local-rate-limit), on the listener that applies it
        List<String> limited = m.admin("/api/accesslog?proxy=limited-v1-0").body().lines().collect(Collectors.toList());
        assertThat(limited).filteredOn(l -> l.contains("\"GET /limited HTTP/1.1\" 429 RL local_rate_limited ")).hasSize(1);
        assertThat(limited).filteredOn(l -> l.contains("\"GET /limited HTTP/1.1\" 200 - via_upstream ")).hasSize(1);
        // the caller got the 429 from upstream: no flag of its own
        assertThat(lines("/limited")).filteredOn(l -> l.contains("\" 429 - via_upstream ")).hasSize(1);
    }

    @Test
    void aHostAndPathNoRouteClaimsIsNRAtTheGateway() {
        // a gateway answers an unclaimed authority with 404 NR (Envoy: route_not_found)
        assertThat(m.getWithHost("unknown.example", "/nowhere")).startsWith("HTTP/1.1 404");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(m.admin("/api/accesslog?proxy=istio-ingressgateway").body().lines()
                        .filter(l -> l.contains("\"GET /nowhere HTTP/1.1\" 404 NR route_not_found "))
                        .filter(l -> l.contains("\"unknown.example\""))).hasSize(1));
    }

    @Test
    void theJsonVariantCarriesTheSameFlagsUnderIstiosNames() {
        String json = m.admin("/api/accesslog?proxy=front-v1-0&limit=100&format=json").body();
        assertThat(json).contains("\"response_flags\" : \"UT\"", "\"response_flags\" : \"URX\"", "\"response_flags\" : \"DI\"",
                "\"response_flags\" : \"FI\"", "\"response_flags\" : \"UO\"", "\"upstream_request_attempt_count\" : 3");
    }

    @Test
    void aRetriedCallHasOneClientSpanPerAttemptEachAnsweredByItsOwnServerSpan() {
        List<SpanRecord> spans = m.mesh.telemetry().tracer().store().allSpans();
        List<SpanRecord> tries = spans.stream().filter(s -> s.proxy().equals("front-v1-0") && s.kind() == SpanRecord.Kind.CLIENT
                && s.name().startsWith("flaky.")).collect(Collectors.toList());
        assertThat(tries).hasSize(3).allSatisfy(s -> assertThat(s.status()).isEqualTo(503));
        assertThat(tries).extracting(SpanRecord::parentSpanId).containsOnly(tries.get(0).parentSpanId());
        List<SpanRecord> served = spans.stream().filter(s -> s.proxy().equals("flaky-v1-0") && s.kind() == SpanRecord.Kind.SERVER
                && !"app".equals(s.attributes().get("component"))).collect(Collectors.toList());
        assertThat(served).extracting(SpanRecord::parentSpanId)
                .containsExactlyInAnyOrderElementsOf(tries.stream().map(SpanRecord::spanId).collect(Collectors.toList()));
        // the app made one call; its client span is the parent of the sidecar's three tries
        assertThat(spans).filteredOn(s -> s.spanId().equals(tries.get(0).parentSpanId())).singleElement()
                .satisfies(s -> assertThat(s.attributes()).containsEntry("component", "app"))
                .satisfies(s -> assertThat(s.proxy()).isEqualTo("front-v1-0"));
    }
}
