package dev.loopmesh.telemetry.tracing;

import java.util.Map;

final class Spans {
    private Spans() {
    }

    static String traceId(int n) {
        return String.format("%032x", n + 1);
    }

    static SpanRecord span(String traceId, int id, int parent, String service, SpanRecord.Kind kind, long start, long duration,
                           int status, String flags) {
        return new SpanRecord(traceId, String.format("%016x", id), parent == 0 ? "" : String.format("%016x", parent),
                "reviews.default.svc.cluster.local:9080/*", service, service + "-pod", kind, start, duration, status, flags,
                Map.of("http.method", "GET", "guid:x-request-id", "r-" + id));
    }
}
