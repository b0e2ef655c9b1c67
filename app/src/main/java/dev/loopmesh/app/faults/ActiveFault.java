package dev.loopmesh.app.faults;

import java.time.Instant;

/** A fault in force: what was asked, since when, and the id to remove it by. */
public record ActiveFault(String id, FaultRequest request, Instant since) {
    public String describe() {
        return request.describe();
    }
}
