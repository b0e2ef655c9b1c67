package dev.loopmesh.chaos;

import java.time.Instant;

/**
 * An experiment the engine holds: waiting for its start, or active.
 *
 * @param startedAt when it started, or null while SCHEDULED
 */
public record ChaosState(String id, String description, State state, ChaosSpec spec, Instant appliedAt, Instant startedAt) {
    public enum State { SCHEDULED, ACTIVE }
}
