package dev.loopmesh.telemetry.tracing;

/**
 * One line of the trace list ({@code GET /api/traces}).
 *
 * @param rootService the service of the root span (or of the earliest span while the root is missing)
 * @param durationMs  from the first span's start to the last span's end
 */
public record TraceSummary(String traceId, String rootService, double durationMs, int spanCount, long startEpochMicros) {
}
