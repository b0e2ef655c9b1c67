package dev.loopmesh.telemetry;

import java.time.Instant;
import java.util.List;

/**
 * One thing that happened to the mesh, for the timeline and {@code GET /api/events}: config pushed or
 * rejected, chaos started or ended, an endpoint ejected or returned.
 *
 * @param kind    config, chaos or outlier
 * @param type    APPLIED, REJECTED, DELETED, NACKED, UNCHANGED; STARTED, ENDED, FAILED; EJECTED, RETURNED
 * @param subject what it happened to: {@code VirtualService default/reviews}, a chaos id, an endpoint
 * @param proxies the proxies concerned (config), may be empty
 */
public record MeshEvent(long sequence, Instant time, String kind, String type, String subject, String detail,
                        List<String> proxies, long version) {
    public MeshEvent {
        proxies = List.copyOf(proxies == null ? List.of() : proxies);
        detail = detail == null ? "" : detail;
    }
}
