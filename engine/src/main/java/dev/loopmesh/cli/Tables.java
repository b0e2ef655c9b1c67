package dev.loopmesh.cli;

import dev.loopmesh.telemetry.EdgeSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Plain-text tables, like {@code linkerd viz stat}: aligned columns, one row per edge or workload. */
final class Tables {
    private Tables() {
    }

    static String render(List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            widths[i] = header.get(i).length();
        }
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                widths[i] = Math.max(widths[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> r : all) {
            for (int i = 0; i < r.size(); i++) {
                sb.append(i == r.size() - 1 ? r.get(i) : String.format(Locale.ROOT, "%-" + (widths[i] + 3) + "s", r.get(i)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Per workload: what its sidecar saw arrive. */
    static String workloads(List<EdgeSnapshot> perWorkload) {
        List<List<String>> rows = new ArrayList<>();
        for (EdgeSnapshot e : perWorkload) {
            rows.add(List.of(e.destination(), percent(e.successRate()), rps(e.rps()), ms(e.p50Ms()), ms(e.p95Ms()), ms(e.p99Ms()),
                    flags(e.responseFlags()), e.health().label()));
        }
        return render(List.of("WORKLOAD", "SUCCESS", "RPS", "LATENCY_P50", "LATENCY_P95", "LATENCY_P99", "FLAGS", "HEALTH"), rows);
    }

    static String edges(List<EdgeSnapshot> edges) {
        List<List<String>> rows = new ArrayList<>();
        for (EdgeSnapshot e : edges) {
            rows.add(List.of(e.source(), e.destination(), percent(e.successRate()), rps(e.rps()), ms(e.p50Ms()), ms(e.p95Ms()),
                    ms(e.p99Ms()), flags(e.responseFlags()), e.mtls() ? "mTLS" : "plain", e.health().label()));
        }
        return render(List.of("SOURCE", "DESTINATION", "SUCCESS", "RPS", "LATENCY_P50", "LATENCY_P95", "LATENCY_P99", "FLAGS", "SECURED",
                "HEALTH"), rows);
    }

    static String percent(double rate) {
        return Double.isNaN(rate) ? "-" : String.format(Locale.ROOT, "%.2f%%", rate * 100);
    }

    static String rps(double rps) {
        return String.format(Locale.ROOT, "%.1f", rps);
    }

    static String ms(double ms) {
        return ms < 10 ? String.format(Locale.ROOT, "%.1fms", ms) : String.format(Locale.ROOT, "%.0fms", ms);
    }

    static String flags(Map<String, Long> flags) {
        if (flags.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(flags).forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append(':').append(v));
        return sb.toString();
    }
}
