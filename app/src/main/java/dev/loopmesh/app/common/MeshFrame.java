package dev.loopmesh.app.common;

import dev.loopmesh.controlplane.ConfigEvent;
import dev.loopmesh.telemetry.EdgeSnapshot;
import dev.loopmesh.telemetry.RequestRecord;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.traffic.TrafficSnapshot;

import java.util.List;

/**
 * One poll of a running mesh: what every view needs for one redraw, read off the FX thread.
 *
 * @param events    every config event seen so far (bounded), so a coalesced frame loses none
 * @param accessLog the requests the inspector asked for, oldest first
 * @param resources the control plane's accepted resources (re-read when config events arrive)
 * @param traffic   the load clients' numbers, or null when the mesh has no load generator
 * @param meshEvents the mesh's outlier ejections and returns seen so far (bounded)
 */
public record MeshFrame(long nanoTime, List<EdgeSnapshot> edges, List<ConfigEvent> events, List<RequestRecord> accessLog,
                        List<MeshResource> resources, TrafficSnapshot traffic, List<dev.loopmesh.telemetry.MeshEvent> meshEvents) {
    public MeshFrame {
        meshEvents = List.copyOf(meshEvents);
        edges = List.copyOf(edges);
        events = List.copyOf(events);
        accessLog = List.copyOf(accessLog);
        resources = List.copyOf(resources);
    }

    public MeshFrame(long nanoTime, List<EdgeSnapshot> edges, List<ConfigEvent> events, List<RequestRecord> accessLog) {
        this(nanoTime, edges, events, accessLog, List.of(), null, List.of());
    }
}
