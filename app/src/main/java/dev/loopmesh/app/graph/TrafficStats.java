package dev.loopmesh.app.graph;

import dev.loopmesh.telemetry.EdgeSnapshot;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Numbers for a node or an edge: the sum of the edges into it over a window. Latency percentiles of
 * several edges are not additive; the highest one is shown (an upper bound), as Kiali does for nodes.
 */
public record TrafficStats(long requests, double rps, double successRate, double p50Ms, double p95Ms, double p99Ms,
                           Map<String, Long> responses, Map<String, Long> responseFlags) {
    public static final TrafficStats NONE = new TrafficStats(0, 0, Double.NaN, 0, 0, 0, Map.of(), Map.of());

    public TrafficStats {
        responses = Map.copyOf(responses);
        responseFlags = Map.copyOf(responseFlags);
    }

    public EdgeHealth health() {
        return EdgeHealth.of(successRate);
    }

    public static TrafficStats of(EdgeSnapshot e) {
        return new TrafficStats(e.requests(), e.rps(), e.successRate(), e.p50Ms(), e.p95Ms(), e.p99Ms(), e.responses(),
                e.responseFlags());
    }

    public static TrafficStats sum(Collection<EdgeSnapshot> edges) {
        long requests = 0;
        double rps = 0;
        double ok = 0;
        double p50 = 0;
        double p95 = 0;
        double p99 = 0;
        Map<String, Long> responses = new TreeMap<>();
        Map<String, Long> flags = new TreeMap<>();
        for (EdgeSnapshot e : edges) {
            requests += e.requests();
            rps += e.rps();
            if (!Double.isNaN(e.successRate())) {
                ok += e.successRate() * e.requests();
            }
            p50 = Math.max(p50, e.p50Ms());
            p95 = Math.max(p95, e.p95Ms());
            p99 = Math.max(p99, e.p99Ms());
            e.responses().forEach((k, v) -> responses.merge(k, v, Long::sum));
            e.responseFlags().forEach((k, v) -> flags.merge(k, v, Long::sum));
        }
        return new TrafficStats(requests, rps, requests == 0 ? Double.NaN : ok / requests, p50, p95, p99, responses, flags);
    }

    /** The edge label, two lines: {@code 12.3 rps} and {@code 99.5% · 45ms} (success, p99). */
    public String label() {
        return String.format(java.util.Locale.ROOT, "%.1f rps\n%s · %.0fms", rps, percent(successRate).replace(" ", ""), p99Ms);
    }

    public static String percent(double rate) {
        if (Double.isNaN(rate)) {
            return "–";
        }
        double p = rate * 100;
        return p >= 99.95 && p < 100 ? "99.9 %" : String.format(java.util.Locale.ROOT, p == 100 ? "%.0f %%" : "%.1f %%", p);
    }
}
