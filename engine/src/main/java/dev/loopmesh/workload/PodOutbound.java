package dev.loopmesh.workload;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.topology.CallSpec;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.ServiceSpec;

import java.net.InetSocketAddress;

import static java.util.Objects.requireNonNull;

/**
 * A pod's way out: with a sidecar every call goes to the sidecar's outbound listener (as iptables
 * redirects a meshed app's traffic); without one, straight to a pod the resolver picks.
 */
public final class PodOutbound implements OutboundTarget {
    private final PodInfo pod;
    private final MeshSpec mesh;
    private final ServiceResolver resolver;
    private final InetSocketAddress sidecar;

    public PodOutbound(PodInfo pod, MeshSpec mesh, ServiceResolver resolver) {
        this.pod = requireNonNull(pod, "pod");
        this.mesh = requireNonNull(mesh, "mesh");
        this.resolver = requireNonNull(resolver, "resolver");
        this.sidecar = pod.sidecar() ? new InetSocketAddress(pod.address(), pod.outboundPort()) : null;
    }

    @Override
    public InetSocketAddress address(CallSpec call) {
        return sidecar != null ? sidecar : resolver.resolve(call.service(), namespace(call));
    }

    @Override
    public String authority(CallSpec call) {
        String ns = namespace(call);
        int port = mesh.service(call.service(), ns).map(ServiceSpec::port).orElse(80);
        String host = ns.equals(pod.namespace()) ? call.service() : call.service() + "." + ns;
        return host + ":" + port;
    }

    private String namespace(CallSpec call) {
        return call.namespace() == null ? pod.namespace() : call.namespace();
    }
}
