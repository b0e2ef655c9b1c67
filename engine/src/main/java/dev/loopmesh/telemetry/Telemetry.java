package dev.loopmesh.telemetry;

/** The mesh's telemetry: one sink that feeds the edge statistics and the access logs. */
public final class Telemetry implements RequestSink {
    private final EdgeStats edges = new EdgeStats();
    private final EdgeStats workloads = new EdgeStats("destination", true);
    private final AccessLog accessLog = new AccessLog(1000);

    @Override
    public void record(RequestRecord r) {
        edges.record(r);
        workloads.record(r);
        accessLog.record(r);
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

    public AccessLog accessLog() {
        return accessLog;
    }
}
