package dev.loopmesh.workload;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.policy.routing.TcpRoute;
import dev.loopmesh.topology.CallSpec;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.Protocol;
import dev.loopmesh.topology.ServiceSpec;

import java.net.InetSocketAddress;

import static java.util.Objects.requireNonNull;

/**
 * A pod's way out: with a sidecar every call goes to the sidecar's outbound listener (as iptables
 * redirects a meshed app's traffic), a call to a {@code tcp} service to the sidecar's listener for that
 * service; without a sidecar, straight to a pod the resolver picks.
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
        if (sidecar != null && tcp(call)) {
            // a tcp service: the sidecar's outbound listener for that service (Istio's 0.0.0.0_<port>)
            ServiceSpec s = mesh.service(call.service(), namespace(call)).orElseThrow();
            Integer port = pod.tcpOutbound().get(TcpRoute.key(s.fqdn(), s.port()));
            return port == null ? null : new InetSocketAddress(pod.address(), port);
        }
        return sidecar != null ? sidecar : resolver.resolve(call.service(), namespace(call));
    }

    @Override
    public boolean tcp(CallSpec call) {
        return mesh.service(call.service(), namespace(call)).map(s -> s.protocol() == Protocol.TCP).orElse(false);
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
