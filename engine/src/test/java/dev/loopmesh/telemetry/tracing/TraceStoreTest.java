package dev.loopmesh.telemetry.tracing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.loopmesh.telemetry.tracing.Spans.span;
import static dev.loopmesh.telemetry.tracing.Spans.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceStoreTest {
    @Test
    void keepsOnlyTheLastNTracesNewestFirst() {
        TraceStore store = new TraceStore(3, 10);
        for (int t = 0; t < 5; t++) {
            store.add(span(traceId(t), 1, 0, "svc" + t, SpanRecord.Kind.SERVER, 1_000 * t, 100, 200, "-"));
        }

        assertThat(store.size()).isEqualTo(3);
        assertThat(store.list(10)).extracting(TraceSummary::traceId).containsExactly(traceId(4), traceId(3), traceId(2));
        assertThat(store.list(2)).hasSize(2);
        assertThat(store.trace(traceId(0))).isEmpty();
        assertThat(store.trace(traceId(4))).isPresent();
    }

    @Test
    void capsSpansPerTraceAndCountsTheRest() {
        TraceStore store = new TraceStore(10, 4);
        for (int i = 1; i <= 6; i++) {
            store.add(span(traceId(0), i, i == 1 ? 0 : 1, "productpage.default", SpanRecord.Kind.CLIENT, i, 10, 200, "-"));
        }

        assertThat(store.trace(traceId(0)).orElseThrow()).hasSize(4);
        assertThat(store.droppedSpans()).isEqualTo(2);
        assertThat(store.list(10).get(0).spanCount()).isEqualTo(4);
    }

    @Test
    void summaryNamesTheRootServiceAndSpansTheWholeTrace() {
        TraceStore store = new TraceStore(10, 10);
        String id = traceId(7);
        // children finish (and are recorded) before their parents
        store.add(span(id, 3, 2, "reviews.default", SpanRecord.Kind.SERVER, 2_000, 5_000, 200, "-"));
        store.add(span(id, 2, 1, "productpage.default", SpanRecord.Kind.CLIENT, 1_500, 6_000, 200, "-"));
        store.add(span(id, 1, 0, "istio-ingressgateway.istio-system", SpanRecord.Kind.SERVER, 1_000, 9_500, 200, "-"));

        TraceSummary s = store.list(1).get(0);
        assertThat(s.rootService()).isEqualTo("istio-ingressgateway.istio-system");
        assertThat(s.durationMs()).isEqualTo(9.5);
        assertThat(s.spanCount()).isEqualTo(3);
        assertThat(store.trace(id).orElseThrow()).extracting(SpanRecord::startEpochMicros).containsExactly(1_000L, 1_500L, 2_000L);
    }

    @Test
    void concurrentWritersNeverExceedTheBounds() throws Exception {
        TraceStore store = new TraceStore(50, 8);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 5_000; i++) {
                        store.add(span(traceId(i % 200), writer * 10_000 + i + 1, 0, "s", SpanRecord.Kind.SERVER, i, 1, 200, "-"));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.size()).isLessThanOrEqualTo(50);
        assertThat(store.list(1000)).allSatisfy(t -> assertThat(t.spanCount()).isLessThanOrEqualTo(8));
    }

    @Test
    void rejectsNonsenseBounds() {
        assertThatThrownBy(() -> new TraceStore(0, 1)).hasMessage("maxTraces: 0 (expected: >= 1)");
    }
}
