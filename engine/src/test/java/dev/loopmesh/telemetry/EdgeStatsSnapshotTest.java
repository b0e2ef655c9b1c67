package dev.loopmesh.telemetry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EdgeStatsSnapshotTest {
    private static RequestRecord call(int status) {
        return new RequestRecord("source", "front-v1-0", 0L, "GET", "/", "http", "back:9080",
                status, "-", "front-v1", "default", "", "back-v1", "default", "back.default.svc.cluster.local", "", "v1",
                "", "", "127.0.1.3:9080", 1, 1000, 900, 5, 7, false, "id", "curl", "127.0.1.1:4000", List.of(), "");
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
