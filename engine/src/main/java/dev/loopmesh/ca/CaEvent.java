package dev.loopmesh.ca;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * Something the certificate authority did or saw: a workload certificate issued, rotated before it
 * expired, or expired without a successor.
 *
 * @param spiffeId the identity, {@code spiffe://cluster.local/ns/default/sa/bookinfo-reviews}
 * @param serial   the serial number of the certificate concerned, in hex
 * @param notAfter when that certificate stops being valid (real time)
 */
public record CaEvent(Type type, Instant at, String spiffeId, String serial, Instant notAfter, String detail) {
    public enum Type { ISSUED, ROTATED, EXPIRED }

    public CaEvent {
        requireNonNull(type, "type");
        requireNonNull(at, "at");
        requireNonNull(spiffeId, "spiffeId");
        serial = serial == null ? "" : serial;
        detail = detail == null ? "" : detail;
    }

    @Override
    public String toString() {
        return type + " " + spiffeId + " serial " + serial + " notAfter " + notAfter + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
