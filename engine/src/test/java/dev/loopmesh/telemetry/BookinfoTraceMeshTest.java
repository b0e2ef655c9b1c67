package dev.loopmesh.telemetry;

import dev.loopmesh.fixtures.CloseAfterEach;
import dev.loopmesh.telemetry.tracing.SpanRecord;
import dev.loopmesh.telemetry.tracing.SpanRecord.Kind;
import dev.loopmesh.telemetry.tracing.TraceSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static dev.loopmesh.fixtures.IstioYaml.JASON_TO_V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One Bookinfo request, one trace: a server span where each proxy receives it and a client span where
 * it sends it on (Envoy tracing: the sidecar's span is the parent the next hop continues), and between
 * them the emulated app's own spans, as an app instrumented with OpenTelemetry records them: a server
 * span under its sidecar's inbound span, a client span per call that its outbound sidecar continues.
 */
class BookinfoTraceMeshTest {
    @RegisterExtension
    final CloseAfterEach closing = new CloseAfterEach();
    private LiveMesh m;

    @Test
    void theGatewayEverySidecarAndEveryWorkloadOnThePathRecordSpansLinkedToTheirParents() {
        m = closing.add(LiveMesh.bookinfo(JASON_TO_V2));
        assertThat(m.get("/productpage", "end-user", "jason").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).until(() -> m.mesh.telemetry().tracer().store().list(10).stream()
                .anyMatch(t -> t.spanCount() >= 16));
        List<TraceSummary> traces = m.mesh.telemetry().tracer().store().list(10);
        assertThat(traces).hasSize(1);
        List<SpanRecord> spans = m.mesh.telemetry().tracer().store().trace(traces.get(0).traceId()).orElseThrow();
        assertThat(spans).hasSize(16).extracting(SpanRecord::traceId).containsOnly(traces.get(0).traceId());

        SpanRecord gatewayIn = proxy(spans, "istio-ingressgateway", Kind.SERVER, "");
        assertThat(gatewayIn.isRoot()).isTrue();
        SpanRecord gatewayOut = proxy(spans, "istio-ingressgateway", Kind.CLIENT, "productpage.");
        SpanRecord productpageIn = proxy(spans, "productpage-v1-0", Kind.SERVER, "");
        SpanRecord productpageApp = app(spans, "productpage-v1-0", Kind.SERVER, "GET /productpage");
        SpanRecord appToDetails = app(spans, "productpage-v1-0", Kind.CLIENT, "GET details:9080/details/0");
        SpanRecord appToReviews = app(spans, "productpage-v1-0", Kind.CLIENT, "GET reviews:9080/reviews/0");
        SpanRecord toDetails = proxy(spans, "productpage-v1-0", Kind.CLIENT, "details.");
        SpanRecord toReviews = proxy(spans, "productpage-v1-0", Kind.CLIENT, "reviews.");
        SpanRecord detailsIn = proxy(spans, "details-v1-0", Kind.SERVER, "");
        SpanRecord detailsApp = app(spans, "details-v1-0", Kind.SERVER, "GET /details/0");
        SpanRecord reviewsIn = proxy(spans, "reviews-v2-0", Kind.SERVER, "");
        SpanRecord reviewsApp = app(spans, "reviews-v2-0", Kind.SERVER, "GET /reviews/0");
        SpanRecord appToRatings = app(spans, "reviews-v2-0", Kind.CLIENT, "GET ratings:9080/ratings/0");
        SpanRecord toRatings = proxy(spans, "reviews-v2-0", Kind.CLIENT, "ratings.");
        SpanRecord ratingsIn = proxy(spans, "ratings-v1-0", Kind.SERVER, "");
        SpanRecord ratingsApp = app(spans, "ratings-v1-0", Kind.SERVER, "GET /ratings/0");

        assertThat(gatewayOut.parentSpanId()).isEqualTo(gatewayIn.spanId());
        assertThat(productpageIn.parentSpanId()).isEqualTo(gatewayOut.spanId());
        assertThat(productpageApp.parentSpanId()).isEqualTo(productpageIn.spanId());
        assertThat(appToDetails.parentSpanId()).isEqualTo(productpageApp.spanId());
        assertThat(appToReviews.parentSpanId()).isEqualTo(productpageApp.spanId());
        assertThat(toDetails.parentSpanId()).isEqualTo(appToDetails.spanId());
        assertThat(toReviews.parentSpanId()).isEqualTo(appToReviews.spanId());
        assertThat(detailsIn.parentSpanId()).isEqualTo(toDetails.spanId());
        assertThat(detailsApp.parentSpanId()).isEqualTo(detailsIn.spanId());
        assertThat(reviewsIn.parentSpanId()).isEqualTo(toReviews.spanId());
        assertThat(reviewsApp.parentSpanId()).isEqualTo(reviewsIn.spanId());
        assertThat(appToRatings.parentSpanId()).isEqualTo(reviewsApp.spanId());
        assertThat(toRatings.parentSpanId()).isEqualTo(appToRatings.spanId());
        assertThat(ratingsIn.parentSpanId()).isEqualTo(toRatings.spanId());
        assertThat(ratingsApp.parentSpanId()).isEqualTo(ratingsIn.spanId());
        assertThat(spans).allSatisfy(s -> assertThat(s.status()).isEqualTo(200));
        assertThat(productpageApp.service()).isEqualTo(productpageIn.service()).isEqualTo("productpage.default");
        // a child starts no earlier than its parent (same clock: every proxy is in this JVM)
        assertThat(ratingsIn.startEpochMicros()).isGreaterThanOrEqualTo(toRatings.startEpochMicros());
        assertThat(gatewayIn.durationMicros()).isGreaterThanOrEqualTo(productpageIn.durationMicros());
        assertThat(productpageIn.durationMicros()).isGreaterThanOrEqualTo(productpageApp.durationMicros());

        // the workloads' spans are in the admin API's trace and in both exports
        String id = traces.get(0).traceId();
        assertThat(compact(m.admin("/api/traces/" + id).body())).contains("\"name\":\"GET/ratings/0\"", "\"component\":\"app\"");
        String zipkin = compact(m.admin("/api/traces/export?format=zipkin").body());
        assertThat(zipkin).contains("\"id\":\"" + ratingsApp.spanId() + "\",\"parentId\":\"" + ratingsIn.spanId() + "\"",
                "\"component\":\"app\"");
        assertThat(compact(m.admin("/api/traces/export?format=otlp").body())).contains("\"spanId\":\"" + appToRatings.spanId() + "\"");
    }

    private static String compact(String json) {
        return json.replaceAll("\\s+", "");
    }

    private static SpanRecord proxy(List<SpanRecord> spans, String pod, Kind kind, String namePrefix) {
        return one(spans.stream().filter(s -> !"app".equals(s.attributes().get("component"))).toList(), pod, kind, namePrefix);
    }

    private static SpanRecord app(List<SpanRecord> spans, String pod, Kind kind, String name) {
        SpanRecord s = one(spans.stream().filter(x -> "app".equals(x.attributes().get("component"))).toList(), pod, kind, name);
        assertThat(s.name()).isEqualTo(name);
        return s;
    }

    private static SpanRecord one(List<SpanRecord> spans, String proxy, Kind kind, String namePrefix) {
        List<SpanRecord> found = spans.stream().filter(s -> s.proxy().equals(proxy) && s.kind() == kind
                && s.name().startsWith(namePrefix)).collect(Collectors.toList());
        assertThat(found).as("%s %s span %s… among %s", proxy, kind, namePrefix, spans).hasSize(1);
        return found.get(0);
    }
}
