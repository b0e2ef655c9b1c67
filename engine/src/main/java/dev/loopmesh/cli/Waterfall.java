package dev.loopmesh.cli;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One trace as a terminal waterfall: every span on a line, indented under its parent, with its proxy,
 * kind, status, flags, start offset, duration and a bar on the trace's time axis (like Jaeger's timeline).
 */
final class Waterfall {
    static final int BAR = 40;

    private Waterfall() {
    }

    record Span(String id, String parent, String name, String proxy, String kind, long startUs, long durationUs, int status,
                String flags) {
        long endUs() {
            return startUs + durationUs;
        }

        boolean error() {
            return status == 0 || status >= 500;
        }
    }

    /** {@code trace} is the admin API's {@code GET /api/traces/{id}} object. */
    static String render(JsonNode trace) {
        List<Span> spans = new ArrayList<>();
        for (JsonNode s : trace.get("spans")) {
            spans.add(new Span(s.get("spanId").asText(), s.get("parentSpanId").asText(), s.get("name").asText(),
                    s.get("proxy").asText(), s.get("kind").asText(), s.get("startUs").asLong(), s.get("durationUs").asLong(),
                    s.get("status").asInt(), s.get("responseFlags").asText()));
        }
        return render(trace.get("traceId").asText(), spans);
    }

    static String render(String traceId, List<Span> spans) {
        if (spans.isEmpty()) {
            return "trace " + traceId + ": no spans\n";
        }
        Set<String> ids = new HashSet<>();
        long t0 = Long.MAX_VALUE;
        long t1 = Long.MIN_VALUE;
        for (Span s : spans) {
            ids.add(s.id());
            t0 = Math.min(t0, s.startUs());
            t1 = Math.max(t1, s.endUs());
        }
        Comparator<Span> byStart = Comparator.comparingLong(Span::startUs).thenComparing(Span::kind, Comparator.reverseOrder());
        Map<String, List<Span>> children = new HashMap<>();
        List<Span> roots = new ArrayList<>();
        for (Span s : spans) {
            // a span whose parent we do not have (still in flight, or from an app outside the mesh) starts a tree
            if (s.parent().isEmpty() || !ids.contains(s.parent()) || s.parent().equals(s.id())) {
                roots.add(s);
            } else {
                children.computeIfAbsent(s.parent(), p -> new ArrayList<>()).add(s);
            }
        }
        roots.sort(byStart);
        children.values().forEach(l -> l.sort(byStart));
        long total = Math.max(1, t1 - t0);
        List<List<String>> rows = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Span r : roots) {
            walk(r, 0, children, rows, t0, total, seen);
        }
        String header = String.format(Locale.ROOT, "trace %s: %d spans, %s%n", traceId, spans.size(), Tables.ms(total / 1000.0));
        return header + Tables.render(List.of("SPAN", "PROXY", "KIND", "STATUS", "FLAGS", "START", "DURATION", "TIMELINE"), rows);
    }

    private static void walk(Span s, int depth, Map<String, List<Span>> children, List<List<String>> rows, long t0, long total,
                             Set<String> seen) {
        if (!seen.add(s.id())) {
            return;
        }
        rows.add(List.of("  ".repeat(depth) + s.name(), s.proxy(), s.kind(), s.status() == 0 ? "-" : Integer.toString(s.status()),
                s.flags(), String.format(Locale.ROOT, "+%s", Tables.ms((s.startUs() - t0) / 1000.0)), Tables.ms(s.durationUs() / 1000.0),
                bar(s, t0, total)));
        for (Span c : children.getOrDefault(s.id(), List.of())) {
            walk(c, depth + 1, children, rows, t0, total, seen);
        }
    }

    /** The span's place on the trace's time axis; error spans (5xx or no response) drawn with '!'. */
    static String bar(Span s, long t0, long total) {
        int from = (int) Math.min(BAR - 1, (s.startUs() - t0) * BAR / total);
        int to = (int) Math.min(BAR, Math.max(from + 1, (s.endUs() - t0) * BAR / total + ((s.endUs() - t0) * BAR % total == 0 ? 0 : 1)));
        return "|" + " ".repeat(from) + String.valueOf(s.error() ? '!' : '=').repeat(to - from) + " ".repeat(BAR - to) + "|";
    }
}
