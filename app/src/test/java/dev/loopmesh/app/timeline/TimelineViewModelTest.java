package dev.loopmesh.app.timeline;

import dev.loopmesh.controlplane.ConfigEvent;
import dev.loopmesh.telemetry.EdgeSnapshot;
import dev.loopmesh.telemetry.MeshEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the bottom strip marks: config pushes and rejections, chaos spans, ejections, one chart sample a second. */
class TimelineViewModelTest {
    private final TimelineViewModel timeline = new TimelineViewModel();
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private static MeshEvent chaos(long seq, String type, String id, String what) {
        return new MeshEvent(seq, T0.plusSeconds(seq), "chaos", type, id, what, List.of(), 0);
    }

    @Test
    void configEventsAreMarkedOnceEachAndRejectionsStandOut() {
        List<ConfigEvent> events = List.of(
                new ConfigEvent(1, T0, ConfigEvent.Type.APPLIED, "VirtualService default/reviews", List.of("productpage-v1-0"), 2, ""),
                new ConfigEvent(2, T0, ConfigEvent.Type.REJECTED, "VirtualService default/ratings", List.of(), 0, "weight: -3 (expected: >= 0)"));

        timeline.update(T0, events, List.of());
        timeline.update(T0.plusSeconds(1), events, List.of());

        assertThat(timeline.events()).extracting(TimelineEvent::kind).containsExactly(TimelineEvent.Kind.CONFIG, TimelineEvent.Kind.REJECTED);
        assertThat(timeline.events().get(1).detail()).contains("weight: -3");
    }

    @Test
    void chaosFromTheTopologyOrTheCliIsASpanFromStartToEnd() {
        timeline.meshEvents(List.of(chaos(1, "STARTED", "chaos-1", "kill pod ratings-v1-0")), id -> false);
        assertThat(timeline.events()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(TimelineEvent.Kind.FAULT);
            assertThat(e.title()).isEqualTo("chaos kill pod ratings-v1-0");
            assertThat(e.end()).isNull();
        });

        timeline.meshEvents(List.of(chaos(1, "STARTED", "chaos-1", "kill pod ratings-v1-0"), chaos(2, "ENDED", "chaos-1", "kill pod ratings-v1-0")),
                id -> false);

        assertThat(timeline.events()).singleElement().satisfies(e -> assertThat(e.end()).isEqualTo(T0.plusSeconds(2)));
    }

    @Test
    void chaosTheAppStartedItselfIsLeftToTheFaultsSpans() {
        timeline.meshEvents(List.of(chaos(1, "STARTED", "chaos-7", "latency 300ms on a → b")), "chaos-7"::equals);

        assertThat(timeline.events()).isEmpty();
    }

    @Test
    void anOutlierEjectionIsMarked() {
        timeline.meshEvents(List.of(new MeshEvent(1, T0, "outlier", "EJECTED", "reviews-v3-0", "5 consecutive 5xx", List.of(), 0)));

        assertThat(timeline.events()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(TimelineEvent.Kind.EJECTION);
            assertThat(e.title()).isEqualTo("outlier ejected reviews-v3-0");
        });
    }

    @Test
    void theChartsTakeTheIngressOnceASecond() {
        EdgeSnapshot ingress = new EdgeSnapshot("istio-ingressgateway", "productpage-v1", "productpage.default.svc.cluster.local", 10, 100,
                10, 0.9, 5, 20, 80, Map.of("200", 90L, "503", 10L), Map.of(), true);

        timeline.update(T0, List.of(), List.of(ingress));
        timeline.update(T0.plusMillis(300), List.of(), List.of(ingress));
        timeline.update(T0.plusSeconds(1), List.of(), List.of(ingress));

        assertThat(timeline.samplesProperty().get()).hasSize(2);
        assertThat(timeline.samplesProperty().get().get(0).rps()).isEqualTo(10.0);
        assertThat(timeline.samplesProperty().get().get(0).successPercent()).isEqualTo(90.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(timeline.samplesProperty().get().get(0).p99Ms()).isEqualTo(80.0);
    }
}
