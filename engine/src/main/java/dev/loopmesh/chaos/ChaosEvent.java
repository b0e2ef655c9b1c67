package dev.loopmesh.chaos;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A chaos experiment started or ended (each experiment is an event with a start and an end), or could
 * not be applied: the timeline of the app and {@code GET /api/chaos/events}.
 *
 * @param detail why it ended ("duration elapsed", "removed") or failed; "" for STARTED
 */
public record ChaosEvent(long sequence, String id, Type type, String description, String detail, Instant time) {
    public enum Type { STARTED, ENDED, FAILED }

    public ChaosEvent {
        requireNonNull(id, "id");
        requireNonNull(type, "type");
        requireNonNull(description, "description");
        detail = detail == null ? "" : detail;
        requireNonNull(time, "time");
    }
}
