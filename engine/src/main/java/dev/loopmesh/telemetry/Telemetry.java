package dev.loopmesh.telemetry;

/** The mesh's telemetry: one sink that feeds the edge statistics and the access logs. */
public final class Telemetry implements RequestSink {
    private final EdgeStats edges = new EdgeStats();
    private final AccessLog accessLog = new AccessLog(1000);

    @Override
    public void record(RequestRecord r) {
        edges.record(r);
        accessLog.record(r);
    }

    public EdgeStats edges() {
        return edges;
    }

    public AccessLog accessLog() {
        return accessLog;
    }
}
