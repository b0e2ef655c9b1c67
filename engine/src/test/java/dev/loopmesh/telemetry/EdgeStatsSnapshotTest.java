package dev.loopmesh.telemetry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EdgeStatsSnapshotTest {
    private static RequestRecord call(int status) {
        return call(status, 1000);
    }

    private static RequestRecord call(int status, long micros) {
        return RequestRecord.builder()
                .reporter("source")
                .proxy("front-v1-0")
                .method("GET")
                .path("/")
                .protocol("http")
                .authority("back:9080")
                .status(status)
                .sourceWorkload("front-v1")
                .sourceNamespace("default")
                .destinationWorkload("back-v1")
                .destinationNamespace("default")
                .destinationService("back.default.svc.cluster.local")
                .destinationVersion("v1")
                .upstreamHost("127.0.1.3:9080")
                .attempts(1)
                .durationMicros(micros)
                .upstreamServiceMicros(900)
                .requestBytes(5)
                .responseBytes(7)
                .requestId("id")
                .userAgent("curl")
                .downstreamAddress("127.0.1.1:4000")
                .build();
    }

    @Test
    void aSnapshotBetweenTwoTicksIsTheSameListAndTheNextTickBringsTheNewSecondIn() {
        EdgeStats edges = new EdgeStats();
        edges.record(call(200));
        edges.tick();
        List<EdgeSnapshot> first = edges.snapshot(10);
        edges.record(call(503));
        assertThat(edges.snapshot(10)).isSameAs(first);
        assertThat(first).singleElement().satisfies(e -> assertThat(e.requests()).isEqualTo(1));
        edges.tick();
        assertThat(edges.snapshot(10)).singleElement().satisfies(e -> {
            assertThat(e.requests()).isEqualTo(2);
            assertThat(e.successRate()).isEqualTo(0.5);
        });
        assertThat(edges.snapshot(60)).singleElement().satisfies(e -> assertThat(e.requests()).isEqualTo(2));
    }

    @Test
    void aQuietEdgeLeavesTheShortWindowAndComesBackWithOnlyItsNewSeconds() {
        EdgeStats edges = new EdgeStats();
        edges.record(call(200, 900_000));
        edges.tick();
        for (int i = 0; i < 12; i++) {
            edges.tick();
        }
        assertThat(edges.snapshot(10)).as("nothing in the last 10 s").isEmpty();
        assertThat(edges.snapshot(60)).singleElement().satisfies(e -> assertThat(e.p99Ms()).isGreaterThan(800));

        edges.record(call(503, 2_000));
        edges.tick();
        assertThat(edges.snapshot(10)).singleElement().satisfies(e -> {
            assertThat(e.requests()).isEqualTo(1);
            assertThat(e.successRate()).isEqualTo(0.0);
            assertThat(e.p99Ms()).isLessThan(5);
        });
        assertThat(edges.snapshot(60)).singleElement().satisfies(e -> {
            assertThat(e.requests()).isEqualTo(2);
            assertThat(e.responses()).containsEntry("200", 1L).containsEntry("503", 1L);
        });
        assertThat(edges.totals()).singleElement().satisfies(e -> assertThat(e.requests()).isEqualTo(2));
    }

    @Test
    void theWindowsHoldExactlyTheirSecondsAsTrafficComesAndGoes() {
        EdgeStats edges = new EdgeStats();
        for (int second = 1; second <= 30; second++) {
            edges.record(call(second % 3 == 0 ? 503 : 200, second * 1000L));
            edges.tick();
        }
        assertThat(edges.snapshot(10)).singleElement().satisfies(e -> {
            assertThat(e.requests()).isEqualTo(10);
            assertThat(e.responses()).containsEntry("503", 4L).containsEntry("200", 6L); // 21, 24, 27, 30
            assertThat(e.p50Ms()).isBetween(24.0, 26.0); // seconds 21..30 took 21..30 ms
        });
        assertThat(edges.snapshot(60)).singleElement().satisfies(e -> assertThat(e.requests()).isEqualTo(30));

        for (int quiet = 0; quiet < 70; quiet++) {
            edges.tick();
        }
        assertThat(edges.snapshot(10)).isEmpty();
        assertThat(edges.snapshot(60)).as("past the long window too").isEmpty();
        assertThat(edges.totals()).singleElement().satisfies(e -> assertThat(e.requests()).isEqualTo(30));
    }
}
