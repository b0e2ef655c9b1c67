package dev.loopmesh.bench;

import java.io.PrintStream;
import java.util.Locale;

/** The run as a table on stdout, then the skipped configurations and the targets. */
final class BenchTable {
    private BenchTable() {
    }

    static void print(BenchReport r, PrintStream out) {
        out.println("machine: " + r.machine().describe());
        out.printf(Locale.ROOT, "load average: %.2f before, %.2f after; %.0f rps over %d connections, %d B responses, %d rounds of %s + %s, %.0f s%n",
                r.machine().loadAverage(), r.loadAfter(), r.settings().rps(), r.settings().connections(),
                r.settings().responseBytes(), r.settings().rounds(), seconds(r.settings().latency()), seconds(r.settings().saturation()),
                r.elapsedMillis() / 1000.0);
        out.printf(Locale.ROOT, "%-13s %8s %8s %8s %9s %9s %9s %9s %9s %8s %10s %8s %7s%n", "config", "p50 us", "p90 us", "p99 us",
                "p99.9 us", "+p50 us", "+p99 us", "max rps", "rps/dir", "cpu us", "+p99/hap", "alloc B", "errors");
        if (r.clientFloor() != null) {
            row(out, r, r.clientFloor(), false);
        }
        for (ConfigResult c : r.configs()) {
            row(out, r, c, true);
        }
        out.println("cpu us: CPU per request per proxy hop at the fixed rate (direct and client-floor: the server's own);"
                + " +p50/+p99: added over direct; rps/dir: saturation throughput over direct's; +p99/hap: added p99 over haproxy's;"
                + " alloc B: heap bytes allocated per request per hop at saturation (load-independent)");
        if (r.clientFloor() != null) {
            out.printf(Locale.ROOT, "bench client: %.1f us CPU per request (its own thread)%n", r.clientFloor().clientCpuUsPerRequest());
        }
        for (Skipped s : r.skipped()) {
            out.println("skipped " + s.name() + ": " + s.reason());
        }
        for (TargetCheck t : r.targets()) {
            out.println("target: " + t.describe());
        }
    }

    private static void row(PrintStream out, BenchReport r, ConfigResult c, boolean ratios) {
        LatencySummary l = c.latency();
        LatencySummary added = ratios ? r.added(c.name()).orElse(LatencySummary.EMPTY) : LatencySummary.EMPTY;
        LatencySummary hap = r.added(ThroughputBench.HAPROXY).orElse(LatencySummary.EMPTY);
        out.printf(Locale.ROOT, "%-13s %8.1f %8.1f %8.1f %9.1f %9s %9s %9.0f %9s %8.1f %10s %8s %7d%n", c.name(), l.p50Us(), l.p90Us(), l.p99Us(),
                l.p999Us(), fmt(added.p50Us(), "%.1f"), fmt(added.p99Us(), "%.1f"), c.maxRps(),
                ratios ? fmt(r.throughputRatio(c.name(), ThroughputBench.DIRECT), "%.2f") : "-", c.cpuUsPerRequest(),
                ratios && c.hops() > 0 ? fmt(Ratios.ratio(added.p99Us(), hap.p99Us()), "%.2f") : "-", fmt(c.allocatedBytesPerRequest(), "%.0f"),
                c.errors());
    }

    private static String fmt(double v, String f) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, f, v);
    }

    private static String seconds(java.time.Duration d) {
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
}
