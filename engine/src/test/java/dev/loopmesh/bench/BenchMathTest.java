package dev.loopmesh.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BenchMathTest {

    @Test
    void percentilesComeFromTheHistogramInMicroseconds() {
        Histogram h = new Histogram(BenchClient.MAX_NANOS, 3);
        // 1..1000 µs, one sample each
        for (int us = 1; us <= 1000; us++) {
            h.recordValue(us * 1000L);
        }
        LatencySummary s = LatencySummary.ofNanos(h);
        assertThat(s.count()).isEqualTo(1000);
        assertThat(s.p50Us()).isCloseTo(500, within(1.0));
        assertThat(s.p90Us()).isCloseTo(900, within(1.0));
        assertThat(s.p99Us()).isCloseTo(990, within(1.0));
        assertThat(s.p999Us()).isCloseTo(999, within(1.0));
        assertThat(s.maxUs()).isCloseTo(1000, within(1.0));
    }

    @Test
    void anEmptyHistogramHasUnknownPercentiles() {
        LatencySummary s = LatencySummary.ofNanos(new Histogram(BenchClient.MAX_NANOS, 3));
        assertThat(s.count()).isZero();
        assertThat(s.p50Us()).isNaN();
    }

    @Test
    void addedLatencyIsTheDifferenceOfPercentiles() {
        LatencySummary mesh = new LatencySummary(10, 150, 260, 900, 2000, 3000);
        LatencySummary direct = new LatencySummary(10, 50, 60, 100, 300, 400);
        LatencySummary added = mesh.minus(direct);
        assertThat(added.p50Us()).isEqualTo(100);
        assertThat(added.p90Us()).isEqualTo(200);
        assertThat(added.p99Us()).isEqualTo(800);
        assertThat(added.p999Us()).isEqualTo(1700);
    }

    @Test
    void ratiosAreUnknownWithoutAPositiveBase() {
        assertThat(Ratios.ratio(3, 4)).isEqualTo(0.75);
        assertThat(Ratios.ratio(3, 0)).isNaN();
        assertThat(Ratios.ratio(Double.NaN, 4)).isNaN();
        assertThat(Ratios.ratio(3, -1)).isNaN();
    }

    @Test
    void cpuPerHopSharesWhatTheProxiesAddAmongTheHops() {
        // mesh: 100 µs per request in the JVM, direct: 20 µs → 80 µs added over two sidecars
        assertThat(Ratios.perHop(100, 20, 2)).isEqualTo(40);
        assertThat(Ratios.perHop(100, 20, 0)).isNaN();
        assertThat(Ratios.microsPerRequest(5_000_000, 1000)).isEqualTo(5.0);
        assertThat(Ratios.microsPerRequest(5_000_000, 0)).isNaN();
    }

    @Test
    void roundsRotateSoNoConfigurationAlwaysGoesFirst() {
        List<String> names = List.of("a", "b", "c");
        assertThat(ThroughputBench.rotate(names, 0)).containsExactly("a", "b", "c");
        assertThat(ThroughputBench.rotate(names, 1)).containsExactly("b", "c", "a");
        assertThat(ThroughputBench.rotate(names, 4)).containsExactly("b", "c", "a");
    }

    @Test
    void targetsCompareTheMeshWithDirectAndHaproxy() {
        BenchReport r = BenchJsonTest.report();
        List<TargetCheck> t = r.targets();
        assertThat(t).extracting(TargetCheck::name).containsExactly("mesh added p50 over direct", "mesh added p90 over direct",
                "mesh added p99 over direct", "mesh saturation throughput");
        // mesh adds 60 µs at p50 (met), 240 µs at p90 (not met), 500 µs at p99 against half of haproxy's 1400 (met)
        assertThat(t.get(0).measured()).isEqualTo(60);
        assertThat(t.get(0).met()).isTrue();
        assertThat(t.get(1).met()).isFalse();
        assertThat(t.get(2).limit()).isEqualTo(700);
        assertThat(t.get(2).met()).isTrue();
        assertThat(t.get(3).measured()).isCloseTo(50, within(1e-9));
        assertThat(t.get(3).met()).isTrue();
    }

    @Test
    void aTargetIsUnknownWhenAConfigurationIsMissing() {
        assertThat(TargetCheck.atMost("x", "<= 1", Double.NaN, 1, "us").met()).isNull();
        assertThat(TargetCheck.atLeast("x", ">= 1", 2, Double.NaN, "%").met()).isNull();
    }

    @Test
    void procStatTicksAreUserPlusSystemTime() {
        String stat = "4242 (haproxy (x)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 123 45 0 0 20 0 1 0 100 1000 100 0 0";
        assertThat(ExternalProxy.parseStatTicks(stat)).isEqualTo(168);
    }
}
