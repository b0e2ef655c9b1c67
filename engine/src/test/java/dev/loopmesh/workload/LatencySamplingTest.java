package dev.loopmesh.workload;

import dev.loopmesh.topology.LatencySpec;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The distributions a workload draws its latency from, sampled with a seeded random. */
class LatencySamplingTest {
    private static Histogram sample(LatencySpec spec, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Histogram h = new Histogram(3);
        for (int i = 0; i < 20_000; i++) {
            h.recordValue(spec.sampleNanos(random) / 1000); // micros
        }
        return h;
    }

    @Test
    void aLogNormalFittedToP50AndP99HasThatMedianAndTail() {
        Histogram h = sample(new LatencySpec.LogNormal(Duration.ofMillis(15), Duration.ofMillis(60)), 7);

        assertThat(h.getValueAtPercentile(50) / 1000.0).isCloseTo(15.0, within(0.75));
        assertThat(h.getValueAtPercentile(99) / 1000.0).isCloseTo(60.0, within(6.0));
    }

    @Test
    void aUniformDistributionHasItsMidpointAsMedianAndStaysInRange() {
        Histogram h = sample(new LatencySpec.Uniform(Duration.ofMillis(10), Duration.ofMillis(30)), 7);

        assertThat(h.getValueAtPercentile(50) / 1000.0).isCloseTo(20.0, within(0.6));
        assertThat(h.getMinValue()).isGreaterThanOrEqualTo(10_000);
        assertThat(h.getMaxValue()).isLessThanOrEqualTo(30_000 + 30);
    }

    @Test
    void theSameSeedDrawsTheSameLatencies() {
        LatencySpec spec = new LatencySpec.LogNormal(Duration.ofMillis(5), Duration.ofMillis(50));
        SplittableRandom a = new SplittableRandom(99);
        SplittableRandom b = new SplittableRandom(99);
        for (int i = 0; i < 100; i++) {
            assertThat(spec.sampleNanos(a)).isEqualTo(spec.sampleNanos(b));
        }
    }
}
