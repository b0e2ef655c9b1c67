package dev.loopmesh.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code loopmesh top} shows: requests grouped by (source, destination, method, path), with count,
 * best, worst and last latency and success rate, busiest first — the columns of {@code linkerd viz top}.
 * Fed with the admin API's JSON access log objects. Each request is counted once, from the caller's
 * proxy (reporter "source": the gateway or the caller's sidecar, so retries fold into one request and
 * requests a proxy failed locally still count); a request from outside the mesh straight to a sidecar
 * has only its destination's record, and that one counts.
 */
final class TopTable {
    /** Distinct rows kept; beyond it new paths are not added (a client spraying random paths). */
    static final int MAX_ROWS = 10_000;

    record Key(String source, String destination, String method, String path) {
    }

    static final class Row {
        long count;
        long success;
        long bestUs = Long.MAX_VALUE;
        long worstUs;
        long lastUs;
    }

    private final Map<Key, Row> rows = new LinkedHashMap<>();
    private long requests;

    /** Adds one access log object; returns whether it counted. */
    boolean add(Map<String, Object> r) {
        String reporter = str(r.get("reporter"));
        String source = str(r.get("source_workload"));
        if (!reporter.equals("source") && !(reporter.equals("destination") && source.equals("unknown"))) {
            return false;
        }
        String dest = str(r.get("destination_workload"));
        if (dest.isEmpty() || dest.equals("unknown")) {
            dest = str(r.get("destination_service"));
        }
        Key k = new Key(source, dest, str(r.get("method")), str(r.get("path")));
        Row row = rows.get(k);
        if (row == null) {
            if (rows.size() >= MAX_ROWS) {
                return false;
            }
            row = new Row();
            rows.put(k, row);
        }
        long us = r.get("duration_us") instanceof Number ? ((Number) r.get("duration_us")).longValue()
                : r.get("duration") instanceof Number ? ((Number) r.get("duration")).longValue() * 1000 : 0;
        int status = r.get("response_code") instanceof Number ? ((Number) r.get("response_code")).intValue() : 0;
        row.count++;
        if (status > 0 && status < 500) {
            row.success++;
        }
        row.bestUs = Math.min(row.bestUs, us);
        row.worstUs = Math.max(row.worstUs, us);
        row.lastUs = us;
        requests++;
        return true;
    }

    long requests() {
        return requests;
    }

    /** The busiest {@code limit} rows as an aligned table. */
    String render(int limit) {
        List<Map.Entry<Key, Row>> all = new ArrayList<>(rows.entrySet());
        all.sort(Comparator.comparingLong((Map.Entry<Key, Row> e) -> e.getValue().count).reversed()
                .thenComparing(e -> e.getKey().source()).thenComparing(e -> e.getKey().destination())
                .thenComparing(e -> e.getKey().path()));
        List<List<String>> out = new ArrayList<>();
        for (Map.Entry<Key, Row> e : all.subList(0, Math.min(limit, all.size()))) {
            Key k = e.getKey();
            Row r = e.getValue();
            out.add(List.of(k.source(), k.destination(), k.method(), k.path(), Long.toString(r.count), Tables.ms(r.bestUs / 1000.0),
                    Tables.ms(r.worstUs / 1000.0), Tables.ms(r.lastUs / 1000.0),
                    String.format(Locale.ROOT, "%.2f%%", 100.0 * r.success / r.count)));
        }
        return Tables.render(List.of("SOURCE", "DESTINATION", "METHOD", "PATH", "COUNT", "BEST", "WORST", "LAST", "SUCCESS"), out);
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }
}
