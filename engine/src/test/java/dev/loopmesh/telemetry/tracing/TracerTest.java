package dev.loopmesh.telemetry.tracing;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TracerTest {
    @Test
    void probabilitySamplingWithASeededRandomIsRepeatable() {
        int first = count(Sampler.probability(0.25, new SplittableRandom(7)));
        int second = count(Sampler.probability(0.25, new SplittableRandom(7)));
        assertThat(first).isEqualTo(second).isBetween(2300, 2700);
        assertThat(count(Sampler.percent(100, new SplittableRandom(1)))).isEqualTo(10_000);
        assertThat(count(Sampler.probability(0, new SplittableRandom(1)))).isZero();
        assertThatThrownBy(() -> Sampler.probability(1.5)).hasMessage("p: 1.5 (expected: 0..1)");
    }

    private static int count(Sampler s) {
        int n = 0;
        for (int i = 0; i < 10_000; i++) {
            n += s.sample() ? 1 : 0;
        }
        return n;
    }

    @Test
    void theGatewayStartsARootAndEachHopIsAChild() {
        Tracer tracer = new Tracer(Sampler.ALWAYS, new TraceStore(), new SplittableRandom(3));
        TraceContext gatewayServer = tracer.serverSpan(Map.<String, String>of()::get);
        TraceContext attempt = tracer.clientSpan(gatewayServer);
        Map<String, String> upstream = new HashMap<>();
        attempt.inject(upstream::put);
        TraceContext sidecarServer = tracer.serverSpan(upstream::get);

        assertThat(gatewayServer.parentSpanId()).isZero();
        assertThat(attempt.parentSpanId()).isEqualTo(gatewayServer.spanId());
        assertThat(sidecarServer.parentSpanId()).isEqualTo(attempt.spanId());
        assertThat(sidecarServer.traceIdHex()).isEqualTo(gatewayServer.traceIdHex());

        tracer.finish(sidecarServer, "reviews.default.svc.cluster.local:9080/*", "reviews.default", "reviews-v1-0",
                SpanRecord.Kind.SERVER, 1_000_010, 500, 200, "-", Map.of());
        tracer.finish(attempt, "reviews.default.svc.cluster.local:9080/*", "istio-ingressgateway.istio-system",
                "istio-ingressgateway", SpanRecord.Kind.CLIENT, 1_000_005, 600, 200, "-", Map.of());
        tracer.finish(gatewayServer, "productpage", "istio-ingressgateway.istio-system", "istio-ingressgateway",
                SpanRecord.Kind.SERVER, 1_000_000, 700, 200, "-", Map.of("http.method", "GET"));

        assertThat(tracer.store().trace(gatewayServer.traceIdHex()).orElseThrow())
                .extracting(SpanRecord::spanId)
                .containsExactly(gatewayServer.spanIdHex(), attempt.spanIdHex(), sidecarServer.spanIdHex());
        TraceSummary summary = tracer.store().list(10).get(0);
        assertThat(summary.rootService()).isEqualTo("istio-ingressgateway.istio-system");
        assertThat(summary.spanCount()).isEqualTo(3);
        assertThat(summary.durationMs()).isEqualTo(0.7);
    }

    @Test
    void anUnsampledTraceRecordsNothingAndStaysUnsampledDownstream() {
        Tracer tracer = new Tracer(Sampler.NEVER, new TraceStore(), new SplittableRandom(3));
        TraceContext server = tracer.serverSpan(Map.<String, String>of()::get);
        TraceContext client = tracer.clientSpan(server);
        tracer.finish(client, "x", "s", "p", SpanRecord.Kind.CLIENT, 0, 1, 200, "-", Map.of());

        assertThat(client.sampled()).isFalse();
        assertThat(client.traceparent()).endsWith("-00");
        assertThat(tracer.store().size()).isZero();
    }

    @Test
    void anIncomingDecisionWinsOverTheLocalSampler() {
        Tracer tracer = new Tracer(Sampler.NEVER, new TraceStore(), new SplittableRandom(3));
        TraceContext c = tracer.serverSpan(Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")::get);
        assertThat(c.sampled()).isTrue();

        Tracer always = new Tracer(Sampler.ALWAYS, new TraceStore(), new SplittableRandom(3));
        assertThat(always.serverSpan(Map.of("b3", "0")::get).sampled()).isFalse();
        assertThat(always.serverSpan(Map.of("x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124",
                "x-b3-spanid", "a2fb4a1d1a96d312")::get).sampled()).isTrue();
    }

    @Test
    void anOutboundSidecarWithoutIncomingHeadersStartsARootClientSpan() {
        Tracer tracer = new Tracer(Sampler.ALWAYS, new TraceStore(), new SplittableRandom(3));
        TraceContext c = tracer.clientSpan(tracer.incoming(Map.<String, String>of()::get));
        assertThat(c.parentSpanId()).isZero();
        assertThat(c.sampled()).isTrue();
    }
}
