package dev.loopmesh.app.common;

import dev.loopmesh.controlplane.ConfigEvent;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.telemetry.EdgeSnapshot;
import dev.loopmesh.telemetry.RequestRecord;
import dev.loopmesh.topology.MeshSpec;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * A running mesh as the app sees it: the read calls the views poll, nothing else. Every method may
 * be called from any thread except the FX thread (some take locks inside the engine).
 */
public interface MeshHandle extends AutoCloseable {

    /**
     * The engine facade behind this handle, for commands (apply, faults, load). Its methods may block:
     * call them on the app's engine thread, never on the FX thread.
     */
    dev.loopmesh.Mesh mesh();

    MeshSpec spec();

    List<PodInfo> pods();

    InetSocketAddress ingressAddress();

    /** Per-edge statistics over the last {@code windowSeconds} (10 or 60). */
    List<EdgeSnapshot> edges(int windowSeconds);

    /** The last {@code limit} requests a proxy (pod name or the gateway) saw, oldest first. */
    List<RequestRecord> accessLog(String proxy, int limit);

    /** Config events with a sequence number above {@code afterSequence}. */
    List<ConfigEvent> events(long afterSequence);

    /** The resources the control plane accepted, in order. */
    default List<dev.loopmesh.topology.MeshResource> resources() {
        return mesh().controlPlane().resources();
    }

    /** The load clients' numbers, or null without a load generator. */
    default dev.loopmesh.traffic.TrafficSnapshot traffic() {
        return mesh().load() == null ? null : mesh().load().snapshot();
    }

    /** The mesh's event log after a sequence number (config, chaos, outlier ejections). */
    default List<dev.loopmesh.telemetry.MeshEvent> meshEvents(long after) {
        return mesh().events().after(after);
    }

    /** Stops the mesh; idempotent, may block briefly. */
    @Override
    void close();
}
