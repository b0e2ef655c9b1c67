package dev.loopmesh.workload;

import dev.loopmesh.telemetry.tracing.SpanRecord;
import dev.loopmesh.telemetry.tracing.TraceContext;
import dev.loopmesh.telemetry.tracing.Tracer;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.List;
import java.util.Map;

/**
 * The spans an emulated app records, as an app instrumented with OpenTelemetry would: a SERVER span for
 * each request it serves (a child of its sidecar's inbound span, read from the propagated headers) and a
 * CLIENT span for each try of each downstream call (the parent of the outbound sidecar's span, injected
 * into the call's headers). Spans carry {@code component: app}; Envoy's carry {@code component: proxy}.
 *
 * <p>A sampled-out trace costs the trace context only (it must still travel, with its "not sampled" flag):
 * no span record, name or attribute map is built for it.
 */
final class AppSpans {
    static final String COMPONENT = "app";

    private AppSpans() {
    }

    /** The server span for a request the app received, or null when the app records no spans. */
    static TraceContext server(WorkloadRuntime rt, HttpHeaders incoming) {
        Tracer t = rt.tracer();
        return t == null ? null : t.serverSpan(incoming::get);
    }

    /** A client span under {@code server} for one try of a call; null when the app records no spans. */
    static TraceContext client(WorkloadRuntime rt, TraceContext server) {
        Tracer t = rt.tracer();
        return t == null ? null : t.clientSpan(server);
    }

    /** The call's headers with this try's trace context in place of the one the app received. */
    static List<Map.Entry<String, String>> inject(TraceContext span, List<Map.Entry<String, String>> headers) {
        if (span == null) {
            return headers;
        }
        List<Map.Entry<String, String>> out = new java.util.ArrayList<>(headers.size() + 4);
        for (Map.Entry<String, String> h : headers) {
            if (!TraceContext.HEADERS.contains(h.getKey())) {
                out.add(h);
            }
        }
        span.inject((k, v) -> out.add(Map.entry(k, v)));
        return out;
    }

    static void finishServer(WorkloadRuntime rt, TraceContext span, String method, String path, long realNanos, int status) {
        if (span == null || !span.sampled()) {
            return;
        }
        finish(rt, span, method + " " + pathOnly(path), SpanRecord.Kind.SERVER, realNanos, status, "-",
                Map.of("component", COMPONENT, "http.method", method, "http.url", path));
    }

    static void finishClient(WorkloadRuntime rt, TraceContext span, String method, String authority, String path,
                             long realNanos, int status, String flags, int attempt) {
        if (span == null || !span.sampled()) {
            return;
        }
        finish(rt, span, method + " " + authority + pathOnly(path), SpanRecord.Kind.CLIENT, realNanos, status, flags,
                Map.of("component", COMPONENT, "http.method", method, "http.url", "http://" + authority + path,
                        "peer.address", authority, "attempt", Integer.toString(attempt)));
    }

    private static void finish(WorkloadRuntime rt, TraceContext span, String name, SpanRecord.Kind kind, long realNanos,
                               int status, String flags, Map<String, String> attributes) {
        long configuredMicros = rt.timeScale().toConfiguredNanos(realNanos) / 1000;
        long startMicros = Tracer.epochMicros(System.nanoTime()) - configuredMicros;
        rt.tracer().finish(span, name, rt.pod().service() + "." + rt.pod().namespace(), rt.pod().name(), kind, startMicros,
                configuredMicros, status, flags, attributes);
    }

    private static String pathOnly(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }
}
