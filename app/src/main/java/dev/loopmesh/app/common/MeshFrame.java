package dev.loopmesh.app.common;

import dev.loopmesh.controlplane.ConfigEvent;
import dev.loopmesh.telemetry.EdgeSnapshot;
import dev.loopmesh.telemetry.RequestRecord;

import java.util.List;

/**
 * One poll of a running mesh: what every view needs for one redraw, read off the FX thread.
 *
 * @param events    every config event seen so far (bounded), so a coalesced frame loses none
 * @param accessLog the requests the inspector asked for, oldest first
 */
public record MeshFrame(long nanoTime, List<EdgeSnapshot> edges, List<ConfigEvent> events, List<RequestRecord> accessLog) {
    public MeshFrame {
        edges = List.copyOf(edges);
        events = List.copyOf(events);
        accessLog = List.copyOf(accessLog);
    }
}
