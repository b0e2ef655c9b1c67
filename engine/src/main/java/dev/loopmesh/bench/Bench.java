package dev.loopmesh.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What the CLI calls: the throughput bench (every configuration side by side) and the scale bench (N
 * idle pods, push convergence). Tables go to {@code out}, progress to {@code progress}.
 */
public final class Bench {
    /**
     * @param quick       the short run (under a minute) instead of the full one (under five)
     * @param json        where to write the JSON report, or null
     * @param configs     configurations to run (empty: all)
     * @param rounds      rounds, or 0 for the preset's
     * @param rate        requests per second of the latency phases, or 0 for 1000
     * @param scale       pod counts for the scale bench; empty runs the throughput bench
     * @param applies     applies timed at each scale (push convergence)
     * @param tracePercent share of requests the proxies trace, NaN for the engine's default
     * @param scopedOnly  at each scale, only the mesh whose proxies see one service (skip Istio's see-everything default)
     */
    public record Options(boolean quick, Path json, List<String> configs, int rounds, double rate, List<Integer> scale, int applies,
                          double tracePercent, boolean scopedOnly) {
        public Options {
            configs = List.copyOf(configs == null ? List.of() : configs);
            scale = List.copyOf(scale == null ? List.of() : scale);
            for (String c : configs) {
                if (!ThroughputBench.NAMES.contains(c)) {
                    throw new IllegalArgumentException("config: " + c + " (expected: one of " + ThroughputBench.NAMES + ")");
                }
            }
            for (int n : scale) {
                if (n < 1 || n > ScaleBench.MAX_PODS) {
                    throw new IllegalArgumentException("scale: " + n + " (expected: 1.." + ScaleBench.MAX_PODS + ")");
                }
            }
            if (rounds < 0 || rate < 0 || applies < 0) {
                throw new IllegalArgumentException("rounds, rate and applies: " + rounds + ", " + rate + ", " + applies + " (expected: >= 0)");
            }
        }
    }

    private Bench() {
    }

    /** Runs what the options ask for; returns the exit code (0: a target not met is a finding, not a failure). */
    public static int run(Options o, PrintStream out, PrintStream progress) throws IOException {
        requireNonNull(o, "options");
        if (!o.scale().isEmpty()) {
            ScaleReport r = new ScaleBench(progress).run(o.scale(), o.applies() > 0 ? o.applies() : o.quick() ? 10 : 30, !o.scopedOnly());
            ScaleReport.print(r, out);
            if (o.json() != null) {
                Files.writeString(o.json(), ScaleReport.json(r));
            }
            return 0;
        }
        BenchSettings s = o.quick() ? BenchSettings.quick() : BenchSettings.full();
        s = s.withOnly(o.configs());
        if (o.rounds() > 0) {
            s = s.withRounds(o.rounds());
        }
        if (o.rate() > 0) {
            s = s.withRate(o.rate());
        }
        if (!Double.isNaN(o.tracePercent())) {
            s = s.withTracePercent(o.tracePercent());
        }
        BenchReport r = new ThroughputBench(s, progress).run();
        BenchTable.print(r, out);
        if (o.json() != null) {
            Files.writeString(o.json(), BenchJson.write(r));
            progress.println("wrote " + o.json());
        }
        return 0;
    }
}
