package dev.loopmesh.telemetry;

import java.time.Instant;
import java.util.List;

/**
 * One thing that happened to the mesh, for the timeline and {@code GET /api/events}: config pushed or
 * rejected, chaos started or ended, an endpoint ejected or returned, a certificate issued, rotated or
 * expired, a connection refused by an inbound's mTLS.
 *
 * @param kind    config, chaos, outlier, ca, mtls or authz
 * @param type    APPLIED, REJECTED, DELETED, NACKED, UNCHANGED; STARTED, ENDED, FAILED; EJECTED, RETURNED;
 *                ISSUED, ROTATED, EXPIRED; REFUSED; DENIED
 * @param subject what it happened to: {@code VirtualService default/reviews}, a chaos id, an endpoint, a SPIFFE
 *                id, the proxy that refused
 * @param proxies the proxies concerned (config), may be empty
 */
public record MeshEvent(long sequence, Instant time, String kind, String type, String subject, String detail,
                        List<String> proxies, long version) {
    public MeshEvent {
        proxies = List.copyOf(proxies == null ? List.of() : proxies);
        detail = detail == null ? "" : detail;
    }
}
