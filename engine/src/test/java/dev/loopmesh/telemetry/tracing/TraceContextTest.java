package dev.loopmesh.telemetry.tracing;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceContextTest {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private final RandomGenerator random = new SplittableRandom(42);

    private static Map<String, String> headers(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void traceparentRoundTrips() {
        // the example of W3C Trace Context, section 3.2
        TraceContext c = TraceContext.parseTraceparent(TRACEPARENT, "rojo=00f067aa0ba902b7");
        assertThat(c).isNotNull();
        assertThat(c.traceIdHex()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(c.spanIdHex()).isEqualTo("00f067aa0ba902b7");
        assertThat(c.sampled()).isTrue();
        assertThat(c.traceState()).isEqualTo("rojo=00f067aa0ba902b7");
        assertThat(c.traceparent()).isEqualTo(TRACEPARENT);
        assertThat(TraceContext.parseTraceparent(c.traceparent(), "")).isEqualTo(TraceContext.parseTraceparent(TRACEPARENT, ""));
    }

    @Test
    void unsampledFlagIsKept() {
        TraceContext c = TraceContext.parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", null);
        assertThat(c.sampled()).isFalse();
        assertThat(c.hasSamplingDecision()).isTrue();
        assertThat(c.traceparent()).endsWith("-00");
    }

    @Test
    void invalidTraceparentsAreIgnoredAsTheSpecSays() {
        assertThat(TraceContext.parseTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01", null)).isNull();
        assertThat(TraceContext.parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", null)).isNull();
        assertThat(TraceContext.parseTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null)).isNull();
        assertThat(TraceContext.parseTraceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", null)).isNull();
        assertThat(TraceContext.parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", null)).isNull();
        assertThat(TraceContext.parseTraceparent("00-4bf92f3577b34da6-00f067aa0ba902b7-01", null)).isNull();
        assertThat(TraceContext.parseTraceparent("garbage", null)).isNull();
        // a later version may append fields after a dash
        assertThat(TraceContext.parseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-abcd", null)).isNotNull();
    }

    @Test
    void b3MultiHeadersParseWith64And128BitTraceIds() {
        TraceContext c = TraceContext.fromHeaders(headers("x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124",
                "x-b3-spanid", "a2fb4a1d1a96d312", "x-b3-parentspanid", "0020000000000001", "x-b3-sampled", "1")::get);
        assertThat(c.traceIdHex()).isEqualTo("463ac35c9f6413ad48485a3953bb6124");
        assertThat(c.spanIdHex()).isEqualTo("a2fb4a1d1a96d312");
        assertThat(c.parentSpanIdHex()).isEqualTo("0020000000000001");
        assertThat(c.sampled()).isTrue();

        TraceContext short64 = TraceContext.parseB3Multi("48485a3953bb6124", "a2fb4a1d1a96d312", null, "0", null);
        assertThat(short64.traceIdHex()).isEqualTo("000000000000000048485a3953bb6124");
        assertThat(short64.sampled()).isFalse();
    }

    @Test
    void b3WithoutSampledLeavesTheDecisionOpen() {
        TraceContext c = TraceContext.parseB3Multi("463ac35c9f6413ad48485a3953bb6124", "a2fb4a1d1a96d312", null, null, null);
        assertThat(c.hasSamplingDecision()).isFalse();
        assertThat(c.withSampled(true).sampled()).isTrue();
        assertThat(c.withSampled(true).hasSamplingDecision()).isTrue();
    }

    @Test
    void singleB3HeaderRoundTrips() {
        String b3 = "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90";
        TraceContext c = TraceContext.parseB3(b3);
        assertThat(c.traceIdHex()).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7");
        assertThat(c.spanIdHex()).isEqualTo("e457b5a2e4d86bd1");
        assertThat(c.parentSpanIdHex()).isEqualTo("05e3ac9a4f6e3b90");
        assertThat(c.b3()).isEqualTo(b3);

        TraceContext debug = TraceContext.parseB3("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d");
        assertThat(debug.debug()).isTrue();
        assertThat(debug.sampled()).isTrue();
        assertThat(debug.b3()).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d");

        assertThat(TraceContext.parseB3("0")).isNull();
        assertThat(TraceContext.parseB3("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-x")).isNull();
        assertThat(TraceContext.parseB3("zz-e457b5a2e4d86bd1")).isNull();
    }

    @Test
    void aB3OnlyRequestLeavesWithATraceparentOfTheSameTraceId() {
        TraceContext in = TraceContext.fromHeaders(headers("x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124",
                "x-b3-spanid", "a2fb4a1d1a96d312", "x-b3-sampled", "1")::get);
        Map<String, String> out = new HashMap<>();
        in.child(random).inject(out::put);

        assertThat(out.get("traceparent")).startsWith("00-463ac35c9f6413ad48485a3953bb6124-").endsWith("-01");
        assertThat(out).containsEntry("x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124")
                .containsEntry("x-b3-parentspanid", "a2fb4a1d1a96d312")
                .containsEntry("x-b3-sampled", "1");
        assertThat(out.get("b3")).startsWith("463ac35c9f6413ad48485a3953bb6124-" + out.get("x-b3-spanid") + "-1-a2fb4a1d1a96d312");
        TraceContext again = TraceContext.fromHeaders(out::get);
        assertThat(again.traceIdHex()).isEqualTo(in.traceIdHex());
    }

    @Test
    void aW3cRequestLeavesWithB3HeadersOfTheSameTraceAndKeepsTracestate() {
        TraceContext in = TraceContext.fromHeaders(headers("traceparent", TRACEPARENT, "tracestate", "congo=t61rcWkgMzE")::get);
        Map<String, String> out = new HashMap<>();
        in.child(random).inject(out::put);

        assertThat(out).containsEntry("x-b3-traceid", "4bf92f3577b34da6a3ce929d0e0e4736")
                .containsEntry("x-b3-parentspanid", "00f067aa0ba902b7")
                .containsEntry("tracestate", "congo=t61rcWkgMzE");
        assertThat(TraceContext.parseB3(out.get("b3")).traceIdHex()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void traceparentWinsOverB3WhenBothArePresent() {
        TraceContext c = TraceContext.fromHeaders(headers("traceparent", TRACEPARENT,
                "x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124", "x-b3-spanid", "a2fb4a1d1a96d312")::get);
        assertThat(c.traceIdHex()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void childSpansKeepTheTraceIdAndPointAtTheirParent() {
        TraceContext root = TraceContext.root(random, true);
        TraceContext child = root.child(random);
        TraceContext grandchild = child.child(random);

        assertThat(root.parentSpanId()).isZero();
        assertThat(root.parentSpanIdHex()).isEmpty();
        assertThat(child.traceIdHex()).isEqualTo(root.traceIdHex());
        assertThat(grandchild.traceIdHex()).isEqualTo(root.traceIdHex());
        assertThat(child.parentSpanId()).isEqualTo(root.spanId());
        assertThat(grandchild.parentSpanId()).isEqualTo(child.spanId());
        assertThat(child.spanId()).isNotIn(root.spanId(), 0L);
        assertThat(grandchild.sampled()).isTrue();
        assertThat(root.traceIdHex()).hasSize(32).matches("[0-9a-f]+");
        assertThat(root.spanIdHex()).hasSize(16).matches("[0-9a-f]+");
    }

    @Test
    void zeroIdsAreRejected() {
        assertThatThrownBy(() -> TraceContext.of(0, 0, 1, 0, true)).hasMessage("traceId: 0 (expected: not all zeros)");
        assertThatThrownBy(() -> TraceContext.of(0, 1, 0, 0, true)).hasMessage("spanId: 0 (expected: not zero)");
    }

    @Test
    void noHeadersMeansNoContext() {
        assertThat(TraceContext.fromHeaders(headers()::get)).isNull();
    }

    @Test
    void everyHeaderInjectWritesIsListedForRemoval() {
        Map<String, String> out = new HashMap<>();
        TraceContext.parseB3("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d").child(random).inject(out::put);
        TraceContext.parseTraceparent(TRACEPARENT, "a=b").child(random).inject(out::put);
        assertThat(out).containsKey("x-b3-flags").containsKey("tracestate");
        assertThat(TraceContext.HEADERS).containsAll(out.keySet());
    }
}
