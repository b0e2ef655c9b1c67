package dev.loopmesh.telemetry;

import dev.loopmesh.telemetry.tracing.SpanRecord;
import dev.loopmesh.telemetry.tracing.SpanRecord.Kind;
import dev.loopmesh.telemetry.tracing.TraceSummary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One Bookinfo request, one trace: a server span where each proxy receives it and a client span where
 * it sends it on, each child of the span before it (Envoy tracing: the sidecar's span is the parent the
 * next hop continues). The emulated workloads record no spans of their own yet; they pass the context on.
 */
class BookinfoTraceMeshTest {
    static final String JASON_TO_V2 = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews}
            spec:
              host: reviews
              subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - match: [{headers: {end-user: {exact: jason}}}]
                route: [{destination: {host: reviews, subset: v2}}]
              - route: [{destination: {host: reviews, subset: v1}}]
            """;

    private LiveMesh m;

    @AfterEach
    void stop() {
        if (m != null) {
            m.close();
        }
    }

    @Test
    void theGatewayAndEverySidecarOnThePathRecordSpansLinkedToTheirParents() {
        m = LiveMesh.bookinfo(JASON_TO_V2);
        assertThat(m.get("/productpage", "end-user", "jason").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).until(() -> m.mesh.telemetry().tracer().store().list(10).stream()
                .anyMatch(t -> t.spanCount() >= 9));
        List<TraceSummary> traces = m.mesh.telemetry().tracer().store().list(10);
        assertThat(traces).hasSize(1);
        List<SpanRecord> spans = m.mesh.telemetry().tracer().store().trace(traces.get(0).traceId()).orElseThrow();
        assertThat(spans).hasSize(9).extracting(SpanRecord::traceId).containsOnly(traces.get(0).traceId());

        SpanRecord gatewayIn = one(spans, "istio-ingressgateway", Kind.SERVER, "");
        assertThat(gatewayIn.isRoot()).isTrue();
        SpanRecord gatewayOut = one(spans, "istio-ingressgateway", Kind.CLIENT, "productpage.");
        SpanRecord productpageIn = one(spans, "productpage-v1-0", Kind.SERVER, "");
        SpanRecord toDetails = one(spans, "productpage-v1-0", Kind.CLIENT, "details.");
        SpanRecord toReviews = one(spans, "productpage-v1-0", Kind.CLIENT, "reviews.");
        SpanRecord detailsIn = one(spans, "details-v1-0", Kind.SERVER, "");
        SpanRecord reviewsIn = one(spans, "reviews-v2-0", Kind.SERVER, "");
        SpanRecord toRatings = one(spans, "reviews-v2-0", Kind.CLIENT, "ratings.");
        SpanRecord ratingsIn = one(spans, "ratings-v1-0", Kind.SERVER, "");

        assertThat(gatewayOut.parentSpanId()).isEqualTo(gatewayIn.spanId());
        assertThat(productpageIn.parentSpanId()).isEqualTo(gatewayOut.spanId());
        assertThat(toDetails.parentSpanId()).isEqualTo(productpageIn.spanId());
        assertThat(toReviews.parentSpanId()).isEqualTo(productpageIn.spanId());
        assertThat(detailsIn.parentSpanId()).isEqualTo(toDetails.spanId());
        assertThat(reviewsIn.parentSpanId()).isEqualTo(toReviews.spanId());
        assertThat(toRatings.parentSpanId()).isEqualTo(reviewsIn.spanId());
        assertThat(ratingsIn.parentSpanId()).isEqualTo(toRatings.spanId());
        assertThat(spans).allSatisfy(s -> assertThat(s.status()).isEqualTo(200));
        // a child starts no earlier than its parent (same clock: every proxy is in this JVM)
        assertThat(ratingsIn.startEpochMicros()).isGreaterThanOrEqualTo(toRatings.startEpochMicros());
        assertThat(gatewayIn.durationMicros()).isGreaterThanOrEqualTo(productpageIn.durationMicros());
    }

    private static SpanRecord one(List<SpanRecord> spans, String proxy, Kind kind, String namePrefix) {
        List<SpanRecord> found = spans.stream().filter(s -> s.proxy().equals(proxy) && s.kind() == kind
                && s.name().startsWith(namePrefix)).collect(Collectors.toList());
        assertThat(found).as("%s %s span %s… among %s", proxy, kind, namePrefix, spans).hasSize(1);
        return found.get(0);
    }
}
