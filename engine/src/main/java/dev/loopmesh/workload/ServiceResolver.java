package dev.loopmesh.workload;

import java.net.InetSocketAddress;

/**
 * How a pod without a sidecar reaches a service: Kubernetes' kube-proxy, picking one of its pods.
 * (A pod with a sidecar sends every call to its sidecar's outbound listener instead.)
 */
@FunctionalInterface
public interface ServiceResolver {
    /** @return null when the service has no pod */
    InetSocketAddress resolve(String service, String namespace);
}
