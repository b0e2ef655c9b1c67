package dev.loopmesh.telemetry.tracing;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Decides whether a new trace is recorded. Only traces that start here are decided: an incoming
 * decision ({@code traceparent} flags, {@code x-b3-sampled}) is kept, as Envoy does. Loopmesh is for
 * seeing, so the default records everything (Istio's default is 1 %).
 */
@FunctionalInterface
public interface Sampler {
    Sampler ALWAYS = () -> true;
    Sampler NEVER = () -> false;

    boolean sample();

    /** Records each new trace with probability {@code p}, drawing from ThreadLocalRandom. */
    static Sampler probability(double p) {
        return probability(p, ThreadLocalRandom.current());
    }

    /**
     * @param p      0..1
     * @param random the source of draws; must be safe for the threads that call it (a seeded one in tests)
     */
    static Sampler probability(double p, RandomGenerator random) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p: " + p + " (expected: 0..1)");
        }
        if (p == 1) {
            return ALWAYS;
        }
        if (p == 0) {
            return NEVER;
        }
        return () -> random.nextDouble() < p;
    }

    /** Istio's {@code randomSamplingPercentage}: 0..100. */
    static Sampler percent(double percent, RandomGenerator random) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("percent: " + percent + " (expected: 0..100)");
        }
        return probability(percent / 100.0, random);
    }
}
