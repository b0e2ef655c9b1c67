package dev.loopmesh.bench;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * How long and how hard a throughput bench runs. Every configuration gets {@code rounds} latency phases
 * and {@code rounds} saturation phases, interleaved with the others' so that noise on the machine hits
 * them all alike.
 *
 * @param rps           the fixed arrival rate of the latency phases
 * @param connections   keep-alive connections the client spreads requests over
 * @param latency       one latency phase
 * @param saturation    one saturation phase
 * @param warmup        per configuration, before the first round (JIT compilation, pools, caches)
 * @param only          configurations to run (empty: all); direct always runs, as the baseline
 * @param tracePercent  share of requests the mesh's proxies trace, or NaN to keep the engine's default
 */
record BenchSettings(double rps, int connections, Duration latency, Duration saturation, Duration warmup, int rounds,
                     int responseBytes, List<String> only, double tracePercent) {
    BenchSettings {
        if (!(rps > 0)) {
            throw new IllegalArgumentException("rps: " + rps + " (expected: > 0)");
        }
        if (connections < 1 || connections > 1024) {
            throw new IllegalArgumentException("connections: " + connections + " (expected: 1..1024)");
        }
        requireNonNull(latency, "latency");
        requireNonNull(saturation, "saturation");
        requireNonNull(warmup, "warmup");
        if (rounds < 1 || rounds > 100) {
            throw new IllegalArgumentException("rounds: " + rounds + " (expected: 1..100)");
        }
        if (responseBytes < 0 || responseBytes > 1 << 20) {
            throw new IllegalArgumentException("responseBytes: " + responseBytes + " (expected: 0..1048576)");
        }
        only = List.copyOf(only);
        if (tracePercent < 0 || tracePercent > 100) {
            throw new IllegalArgumentException("tracePercent: " + tracePercent + " (expected: 0..100)");
        }
    }

    /** Under a minute with six configurations. */
    static BenchSettings quick() {
        return new BenchSettings(1000, 16, Duration.ofMillis(2500), Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 1024, List.of(), Double.NaN);
    }

    /** Under five minutes with six configurations. */
    static BenchSettings full() {
        return new BenchSettings(1000, 16, Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofSeconds(3), 3, 1024, List.of(), Double.NaN);
    }

    BenchSettings withOnly(List<String> names) {
        return new BenchSettings(rps, connections, latency, saturation, warmup, rounds, responseBytes, names, tracePercent);
    }

    BenchSettings withRounds(int r) {
        return new BenchSettings(rps, connections, latency, saturation, warmup, r, responseBytes, only, tracePercent);
    }

    BenchSettings withRate(double r) {
        return new BenchSettings(r, connections, latency, saturation, warmup, rounds, responseBytes, only, tracePercent);
    }

    BenchSettings withPhases(Duration lat, Duration sat, Duration warm) {
        return new BenchSettings(rps, connections, lat, sat, warm, rounds, responseBytes, only, tracePercent);
    }

    BenchSettings withTracePercent(double p) {
        return new BenchSettings(rps, connections, latency, saturation, warmup, rounds, responseBytes, only, p);
    }

    boolean wants(String name) {
        return only.isEmpty() || only.contains(name) || name.equals(ThroughputBench.DIRECT);
    }
}
