package dev.loopmesh.telemetry;

import dev.loopmesh.telemetry.health.Health;
import dev.loopmesh.telemetry.health.HealthConfig;

import java.util.Map;

/**
 * One edge of the graph over a window: from a source workload to a destination workload (or to a
 * service, when no endpoint was chosen), as the source's proxy saw it.
 *
 * @param successRate share of requests answered without a 5xx (or without any response), 0..1; NaN with no requests
 * @param responses   counts by status code ("0" for requests that got no response)
 */
public record EdgeSnapshot(String source, String destination, String destinationService, long windowSeconds,
                           long requests, double rps, double successRate, double p50Ms, double p95Ms, double p99Ms,
                           Map<String, Long> responses, Map<String, Long> responseFlags, boolean mtls) {
    public EdgeSnapshot {
        responses = Map.copyOf(responses);
        responseFlags = Map.copyOf(responseFlags);
    }

    /** Kiali's default traffic health over this window: idle, healthy, degraded or failure. */
    public Health health() {
        return requests == 0 ? Health.IDLE : HealthConfig.KIALI_DEFAULT.judge(responses);
    }
}
