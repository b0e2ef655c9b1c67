package dev.loopmesh.telemetry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EdgeStatsSnapshotTest {
    private static RequestRecord call(int status) {
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
                .durationMicros(1000)
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
}
