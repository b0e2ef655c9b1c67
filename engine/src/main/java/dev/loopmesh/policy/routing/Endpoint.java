package dev.loopmesh.policy.routing;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * One address in a cluster: a pod (or an external host).
 *
 * @param pod      the pod's name ({@code reviews-v2-0}), or {@code host:port} for an address outside the registry
 * @param workload the workload's name ({@code reviews-v2}), or "" outside the registry
 * @param port     where the caller connects: the pod's inbound port when it has a sidecar, else its app port
 * @param sidecar  whether a sidecar fronts it (mTLS is possible)
 */
public record Endpoint(String pod, String workload, String address, int port, Map<String, String> labels,
                       boolean sidecar, String serviceAccount, String namespace) {
    public Endpoint {
        requireNonNull(pod, "pod");
        requireNonNull(workload, "workload");
        requireNonNull(address, "address");
        labels = Map.copyOf(labels);
    }

    public String hostPort() {
        return address + ":" + port;
    }
}
