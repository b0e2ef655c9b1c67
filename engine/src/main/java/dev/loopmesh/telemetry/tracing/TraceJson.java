package dev.loopmesh.telemetry.tracing;

import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API's trace shapes, as plain maps and lists for any JSON writer:
 * {@code GET /api/traces} and {@code GET /api/traces/{id}}.
 */
public final class TraceJson {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private TraceJson() {
    }

    /** {@code [{"traceId", "rootService", "durationMs", "spanCount"}]}, newest first as given. */
    public static List<Map<String, Object>> summaries(List<TraceSummary> traces) {
        List<Map<String, Object>> out = new ArrayList<>(traces.size());
        for (TraceSummary t : traces) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("traceId", t.traceId());
            m.put("rootService", t.rootService());
            m.put("durationMs", t.durationMs());
            m.put("spanCount", t.spanCount());
            out.add(m);
        }
        return out;
    }

    /**
     * {@code {"traceId", "spans": [{"spanId", "parentSpanId", "name", "proxy", "kind", "startUs",
     * "durationUs", "status", "responseFlags", "service", "attributes"}]}}.
     */
    public static Map<String, Object> trace(String traceId, List<SpanRecord> spans) {
        List<Map<String, Object>> list = new ArrayList<>(spans.size());
        for (SpanRecord s : spans) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("spanId", s.spanId());
            m.put("parentSpanId", s.parentSpanId());
            m.put("name", s.name());
            m.put("proxy", s.proxy());
            m.put("kind", s.kind().name());
            m.put("startUs", s.startEpochMicros());
            m.put("durationUs", s.durationMicros());
            m.put("status", s.status());
            m.put("responseFlags", s.responseFlags());
            m.put("service", s.service());
            m.put("attributes", s.attributes());
            list.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("traceId", traceId);
        out.put("spans", list);
        return out;
    }
}
