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
import java.util.TreeMap;

/**
 * Spans as Zipkin's v2 JSON ({@code POST /api/v2/spans}; Jaeger and Zipkin both open it): a list of
 * spans with hex ids, microsecond timestamps, local endpoint and string tags, tagged as Envoy tags them.
 */
public final class ZipkinJson {
    private ZipkinJson() {
    }

    public static String write(Collection<SpanRecord> spans) {
        List<Map<String, Object>> out = new ArrayList<>(spans.size());
        for (SpanRecord s : spans) {
            out.add(span(s));
        }
        return TraceJson.JSON.writeValueAsString(out);
    }

    public static void write(Collection<SpanRecord> spans, Path file) throws IOException {
        Files.writeString(file, write(spans), StandardCharsets.UTF_8);
    }

    static Map<String, Object> span(SpanRecord s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("traceId", s.traceId());
        m.put("id", s.spanId());
        if (!s.isRoot()) {
            m.put("parentId", s.parentSpanId());
        }
        m.put("kind", s.kind().name());
        m.put("name", s.name());
        m.put("timestamp", s.startEpochMicros());
        // Zipkin treats a missing or zero duration as "unfinished"
        m.put("duration", Math.max(1, s.durationMicros()));
        m.put("localEndpoint", Map.of("serviceName", s.service()));
        Map<String, String> tags = new TreeMap<>(s.attributes());
        // Envoy tags its spans component=proxy; an emulated app's spans say component=app
        tags.putIfAbsent("component", "proxy");
        tags.put("node_id", s.proxy());
        tags.put("http.status_code", Integer.toString(s.status()));
        tags.put("response_flags", s.responseFlags());
        if (s.isError()) {
            tags.put("error", "true");
        }
        m.put("tags", tags);
        return m;
    }
}
