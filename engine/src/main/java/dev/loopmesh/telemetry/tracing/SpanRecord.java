package dev.loopmesh.telemetry.tracing;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * One finished span. A proxy records a SERVER span for the request it received and a CLIENT span per
 * upstream attempt (so a retried call shows one span per try, each with its own response flags).
 *
 * @param traceId          32 lower-case hex digits
 * @param spanId           16 lower-case hex digits
 * @param parentSpanId     16 hex digits, or "" for a root span
 * @param name             what Envoy names it: {@code reviews.default.svc.cluster.local:9080/*}
 * @param service          the service name trace viewers group by, Istio-style {@code <app>.<namespace>}
 * @param proxy            the pod (or istio-ingressgateway) that recorded it
 * @param startEpochMicros wall-clock start, microseconds since the epoch
 * @param durationMicros   duration in microseconds (configured time, like the request records)
 * @param status           HTTP status, 0 when there was no response
 * @param responseFlags    Envoy's flags, "-" for none
 * @param attributes       further tags (http.method, http.url, upstream_cluster, guid:x-request-id, ...)
 */
public record SpanRecord(String traceId, String spanId, String parentSpanId, String name, String service, String proxy,
                         Kind kind, long startEpochMicros, long durationMicros, int status, String responseFlags,
                         Map<String, String> attributes) {
    public enum Kind {
        CLIENT, SERVER
    }

    public SpanRecord {
        requireNonNull(traceId, "traceId");
        requireNonNull(spanId, "spanId");
        parentSpanId = parentSpanId == null ? "" : parentSpanId;
        requireNonNull(name, "name");
        service = service == null || service.isEmpty() ? "unknown" : service;
        proxy = proxy == null ? "" : proxy;
        requireNonNull(kind, "kind");
        if (durationMicros < 0) {
            throw new IllegalArgumentException("durationMicros: " + durationMicros + " (expected: >= 0)");
        }
        responseFlags = responseFlags == null || responseFlags.isEmpty() ? "-" : responseFlags;
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** A finished span at the given context's ids. */
    public static SpanRecord of(TraceContext context, String name, String service, String proxy, Kind kind,
                                long startEpochMicros, long durationMicros, int status, String responseFlags,
                                Map<String, String> attributes) {
        return new SpanRecord(context.traceIdHex(), context.spanIdHex(), context.parentSpanIdHex(), name, service, proxy,
                kind, startEpochMicros, durationMicros, status, responseFlags, attributes);
    }

    public boolean isRoot() {
        return parentSpanId.isEmpty();
    }

    /** Envoy marks a span as an error for 5xx and for requests that got no response. */
    public boolean isError() {
        return status == 0 || status >= 500;
    }

    public long endEpochMicros() {
        return startEpochMicros + durationMicros;
    }
}
