package dev.loopmesh.telemetry.tracing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spans as OTLP/JSON ({@code POST /v1/traces}): {@code resourceSpans} per service, each with one
 * {@code scopeSpans}. Per the OTLP/JSON encoding, ids are hex strings, 64-bit integers are decimal
 * strings and enums are numbers (kind SERVER = 2, CLIENT = 3; status ERROR = 2).
 */
public final class OtlpJson {
    static final int KIND_SERVER = 2;
    static final int KIND_CLIENT = 3;
    static final int STATUS_ERROR = 2;
    static final String SCOPE = "dev.loopmesh.telemetry";

    private OtlpJson() {
    }

    public static String write(Collection<SpanRecord> spans) {
        Map<String, List<Map<String, Object>>> byService = new LinkedHashMap<>();
        for (SpanRecord s : spans) {
            byService.computeIfAbsent(s.service(), k -> new ArrayList<>()).add(span(s));
        }
        List<Map<String, Object>> resourceSpans = new ArrayList<>();
        byService.forEach((service, list) -> {
            Map<String, Object> rs = new LinkedHashMap<>();
            rs.put("resource", Map.of("attributes", List.of(stringAttr("service.name", service))));
            Map<String, Object> scopeSpans = new LinkedHashMap<>();
            scopeSpans.put("scope", Map.of("name", SCOPE));
            scopeSpans.put("spans", list);
            rs.put("scopeSpans", List.of(scopeSpans));
            resourceSpans.add(rs);
        });
        return TraceJson.JSON.writeValueAsString(Map.of("resourceSpans", resourceSpans));
    }

    public static void write(Collection<SpanRecord> spans, Path file) throws IOException {
        Files.writeString(file, write(spans), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> span(SpanRecord s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("traceId", s.traceId());
        m.put("spanId", s.spanId());
        if (!s.isRoot()) {
            m.put("parentSpanId", s.parentSpanId());
        }
        m.put("name", s.name());
        m.put("kind", s.kind() == SpanRecord.Kind.SERVER ? KIND_SERVER : KIND_CLIENT);
        m.put("startTimeUnixNano", Long.toString(s.startEpochMicros() * 1000));
        m.put("endTimeUnixNano", Long.toString(s.endEpochMicros() * 1000));
        List<Map<String, Object>> attrs = new ArrayList<>();
        attrs.add(Map.of("key", "http.response.status_code", "value", Map.of("intValue", Long.toString(s.status()))));
        attrs.add(stringAttr("response_flags", s.responseFlags()));
        attrs.add(stringAttr("loopmesh.proxy", s.proxy()));
        s.attributes().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> attrs.add(stringAttr(e.getKey(), e.getValue())));
        m.put("attributes", attrs);
        if (s.isError()) {
            m.put("status", Map.of("code", STATUS_ERROR, "message", s.responseFlags()));
        } else {
            m.put("status", Map.of());
        }
        return m;
    }

    private static Map<String, Object> stringAttr(String key, String value) {
        return Map.of("key", key, "value", Map.of("stringValue", value));
    }
}
