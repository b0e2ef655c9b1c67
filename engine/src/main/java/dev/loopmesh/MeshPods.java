package dev.loopmesh;

import dev.loopmesh.chaos.PodControl;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.dataplane.Proxy;
import dev.loopmesh.workload.WorkloadServer;

/**
 * Chaos on real pods: a killed pod's app stops listening (connections are refused), a paused one stops
 * reading, a refusing one has its sidecar's inbound listener closed (or its app's, without a sidecar).
 */
final class MeshPods implements PodControl {
    private final Mesh mesh;

    MeshPods(Mesh mesh) {
        this.mesh = mesh;
    }

    private WorkloadServer app(String pod) {
        PodInfo p = mesh.registry().pod(pod).orElseThrow(() -> new IllegalArgumentException("no pod " + pod));
        return mesh.workloads().pod(p.name()).orElseThrow(() -> new IllegalArgumentException(
                "pod " + pod + " is an external workload: Loopmesh cannot stop a process it did not start"));
    }

    @Override
    public void kill(String pod) {
        app(pod).stop();
    }

    @Override
    public void start(String pod) {
        app(pod).start();
    }

    @Override
    public void pause(String pod) {
        app(pod).pause();
    }

    @Override
    public void resume(String pod) {
        app(pod).resume();
    }

    @Override
    public void refuse(String pod, boolean refuse) {
        PodInfo p = mesh.registry().pod(pod).orElseThrow(() -> new IllegalArgumentException("no pod " + pod));
        Proxy sidecar = mesh.proxy(pod).orElse(null);
        if (sidecar != null) {
            sidecar.refuseInbound(refuse);
        } else if (refuse) {
            kill(p.name());
        } else {
            start(p.name());
        }
    }
}
