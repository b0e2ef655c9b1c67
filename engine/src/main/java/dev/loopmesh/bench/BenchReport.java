package dev.loopmesh.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One throughput bench run: the machine, the settings, each configuration's figures, the ones that
 * could not run, and the client's own floor (client against a canned responder).
 *
 * @param loadAfter the 1-minute load average when the run ended
 */
record BenchReport(Machine machine, double loadAfter, BenchSettings settings, List<ConfigResult> configs, List<Skipped> skipped,
                   ConfigResult clientFloor, long elapsedMillis) {
    static final double P50_LIMIT_US = 100;
    static final double P90_LIMIT_US = 200;
    static final double P99_SHARE_OF_HAPROXY = 0.5;
    static final double THROUGHPUT_SHARE_OF_DIRECT = 0.40;

    BenchReport {
        configs = List.copyOf(configs);
        skipped = List.copyOf(skipped);
    }

    Optional<ConfigResult> config(String name) {
        return configs.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Latency a configuration adds over direct, percentile by percentile. */
    Optional<LatencySummary> added(String name) {
        Optional<ConfigResult> d = config(ThroughputBench.DIRECT);
        return config(name).flatMap(c -> d.map(x -> c.latency().minus(x.latency())));
    }

    double throughputRatio(String name, String base) {
        return Ratios.ratio(config(name).map(ConfigResult::maxRps).orElse(Double.NaN),
                config(base).map(ConfigResult::maxRps).orElse(Double.NaN));
    }

    /** The targets for the two-sidecar path. */
    List<TargetCheck> targets() {
        String mesh = ThroughputBench.MESH;
        LatencySummary added = added(mesh).orElse(LatencySummary.EMPTY);
        double haproxyP99 = added(ThroughputBench.HAPROXY).map(LatencySummary::p99Us).orElse(Double.NaN);
        List<TargetCheck> out = new ArrayList<>();
        out.add(TargetCheck.atMost("mesh added p50 over direct", "<= 100 us", added.p50Us(), P50_LIMIT_US, "us"));
        out.add(TargetCheck.atMost("mesh added p90 over direct", "<= 200 us", added.p90Us(), P90_LIMIT_US, "us"));
        out.add(TargetCheck.atMost("mesh added p99 over direct", "<= half of haproxy's added p99", added.p99Us(),
                haproxyP99 * P99_SHARE_OF_HAPROXY, "us"));
        out.add(TargetCheck.atLeast("mesh saturation throughput", ">= 40 % of direct", 100 * throughputRatio(mesh, ThroughputBench.DIRECT),
                100 * THROUGHPUT_SHARE_OF_DIRECT, "%"));
        return out;
    }
}
