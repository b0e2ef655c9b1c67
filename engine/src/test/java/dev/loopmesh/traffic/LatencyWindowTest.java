package dev.loopmesh.traffic;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencyWindowTest {
    private static final long S = 1_000_000_000L;

    @Test
    void theSummaryCoversTheFinishedIntervalsOnly() {
        LatencyWindow w = new LatencyWindow(3, 0);
        for (int i = 1; i <= 100; i++) {
            w.record(i * 1000L); // 1..100 ms
        }
        assertThat(w.summary().count()).isZero();

        w.rotate(S);

        LatencyWindow.Summary s = w.summary();
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.nanos()).isEqualTo(S);
        assertThat(s.p50Micros()).isCloseTo(50_000, within(100.0));
        assertThat(s.p99Micros()).isCloseTo(99_000, within(100.0));
    }

    @Test
    void oldIntervalsLeaveTheWindow() {
        LatencyWindow w = new LatencyWindow(2, 0);
        w.record(500_000);
        w.rotate(S);
        w.record(1_000);
        w.rotate(2 * S);
        w.record(1_000);
        w.rotate(3 * S);

        LatencyWindow.Summary s = w.summary();
        assertThat(s.count()).isEqualTo(2);
        assertThat(s.nanos()).isEqualTo(2 * S);
        assertThat(s.p99Micros()).isCloseTo(1_000, within(5.0));
    }
}
