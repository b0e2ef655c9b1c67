package dev.loopmesh.telemetry;

/** Where proxies report finished requests. Called on event loops: must not block. */
@FunctionalInterface
public interface RequestSink {
    RequestSink NONE = r -> { };

    void record(RequestRecord record);
}
