package dev.loopmesh.topology;

import java.time.Duration;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/** How long a workload takes to answer: a distribution, not a constant. */
public sealed interface LatencySpec permits LatencySpec.Fixed, LatencySpec.Uniform, LatencySpec.LogNormal {

    LatencySpec ZERO = new Fixed(Duration.ZERO);

    /** One sample in nanoseconds, drawn from {@code random}. */
    long sampleNanos(RandomGenerator random);

    record Fixed(Duration value) implements LatencySpec {
        public Fixed {
            requireNonNull(value, "value");
            if (value.isNegative()) {
                throw new IllegalArgumentException("latency: " + value + " (expected: >= 0)");
            }
        }

        @Override
        public long sampleNanos(RandomGenerator random) {
            return value.toNanos();
        }
    }

    record Uniform(Duration min, Duration max) implements LatencySpec {
        public Uniform {
            requireNonNull(min, "min");
            requireNonNull(max, "max");
            if (min.isNegative() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("latency: min " + Durations.format(min) + ", max " + Durations.format(max)
                        + " (expected: 0 <= min <= max)");
            }
        }

        @Override
        public long sampleNanos(RandomGenerator random) {
            long lo = min.toNanos();
            long hi = max.toNanos();
            return lo == hi ? lo : lo + (long) (random.nextDouble() * (hi - lo));
        }
    }

    /**
     * A log-normal distribution fitted to a median and a 99th percentile, the shape service latencies
     * usually have: mu = ln(p50), sigma = (ln(p99) - ln(p50)) / z(0.99).
     */
    record LogNormal(Duration p50, Duration p99) implements LatencySpec {
        private static final double Z99 = 2.3263478740408408;

        public LogNormal {
            requireNonNull(p50, "p50");
            requireNonNull(p99, "p99");
            if (p50.isNegative() || p50.isZero() || p99.compareTo(p50) < 0) {
                throw new IllegalArgumentException("latency: p50 " + Durations.format(p50) + ", p99 " + Durations.format(p99)
                        + " (expected: 0 < p50 <= p99)");
            }
        }

        @Override
        public long sampleNanos(RandomGenerator random) {
            double mu = Math.log(p50.toNanos());
            double sigma = (Math.log(p99.toNanos()) - mu) / Z99;
            return (long) Math.exp(mu + sigma * random.nextGaussian());
        }
    }
}
