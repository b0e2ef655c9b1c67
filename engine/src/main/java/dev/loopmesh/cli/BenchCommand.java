package dev.loopmesh.cli;

import dev.loopmesh.bench.Bench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code loopmesh bench}: the proxies against the physical floor and against HAProxy and nginx, in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure the proxies: direct, one sidecar, the two-sidecar mesh path, and two HAProxy (and nginx) hops, "
                + "interleaved in one run on loopback. Open-loop latency at a fixed rate (from intended send time), "
                + "saturation throughput and CPU per request per proxy; a table on stdout.",
                "With --scale: N idle pods (memory per pod, threads, start time) and push convergence instead.",
                "HAProxy and nginx come from the system (apt-get install -y haproxy nginx); without them their rows are skipped."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "A short run (under a minute) instead of the full one (under five).")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Option(names = "--configs", split = ",", paramLabel = "NAME",
            description = "Only these configurations (direct always runs, as the baseline): direct, one-sidecar, mesh, mesh-mtls, haproxy, nginx.")
    List<String> configs = new ArrayList<>();

    @Option(names = "--rounds", defaultValue = "0", description = "Rounds of interleaved phases (default: 2 with --quick, else 3).")
    int rounds;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "RPS", description = "Arrival rate of the latency phases (default: 1000).")
    double rate;

    @Option(names = "--scale", split = ",", paramLabel = "N", description = "Pod counts for the scale bench, e.g. 100,1000,5000.")
    List<Integer> scale = new ArrayList<>();

    @Option(names = "--applies", defaultValue = "0", description = "Timed applies per scale (default: 10 with --quick, else 30).")
    int applies;

    @Option(names = "--trace-percent", paramLabel = "P",
            description = "Trace this share of requests (0..100) instead of the engine's default: shows what tracing costs.")
    Double tracePercent;

    @Option(names = "--scoped-only", description = "With --scale: only meshes whose proxies see one service (a Sidecar egress), "
            + "not Istio's default where every proxy sees every service (N² routes).")
    boolean scopedOnly;

    @Override
    public Integer call() throws Exception {
        return Bench.run(new Bench.Options(quick, json, configs, rounds, rate, scale, applies,
                tracePercent == null ? Double.NaN : tracePercent, scopedOnly), System.out, System.err);
    }
}
