package dev.loopmesh.telemetry;

/**
 * The mesh's telemetry: one sink that feeds the edge statistics, the access logs and Istio's
 * metrics, and the tracer whose spans the proxies record.
 */
public final class Telemetry implements RequestSink {
    private final dev.loopmesh.telemetry.metrics.IstioMetrics metrics = new dev.loopmesh.telemetry.metrics.IstioMetrics();
    private final dev.loopmesh.telemetry.tracing.Tracer tracer = new dev.loopmesh.telemetry.tracing.Tracer();
    private final EdgeStats edges = new EdgeStats();
    private final EdgeStats workloads = new EdgeStats("destination", true);
    private final AccessLog accessLog = new AccessLog(1000);
    private final EventLog events = new EventLog(java.time.Clock.systemUTC(), 5000);
    private final java.util.List<RequestSink> more = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * A finished request, or a closed TCP connection: the latter goes to the access logs only, since Istio's
     * istio_tcp_* meters counted it as it went and the request statistics have no place for it.
     */
    @Override
    public void record(RequestRecord r) {
        if (!r.isTcp()) {
            edges.record(r);
            workloads.record(r);
            metrics.record(r);
        }
        accessLog.record(r);
        for (RequestSink s : more) {
            s.record(r);
        }
    }

    /** Adds a sink that sees every record from now on (e.g. access log files); it must not block. */
    public void addSink(RequestSink sink) {
        more.add(java.util.Objects.requireNonNull(sink, "sink"));
    }

    public EdgeStats edges() {
        return edges;
    }

    /** Per workload, what its own sidecar saw arrive (source "*"), like {@code linkerd viz stat}. */
    public EdgeStats workloads() {
        return workloads;
    }

    /** Folds the last second into both windows; called once a second. */
    public void tick() {
        edges.tick();
        workloads.tick();
    }

    public dev.loopmesh.telemetry.metrics.IstioMetrics metrics() {
        return metrics;
    }

    public dev.loopmesh.telemetry.tracing.Tracer tracer() {
        return tracer;
    }

    /** The mesh's timeline: config, chaos and outlier events. */
    public EventLog events() {
        return events;
    }

    public AccessLog accessLog() {
        return accessLog;
    }
}
