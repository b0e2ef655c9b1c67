package dev.loopmesh.policy.routing;

import java.util.Map;
import java.util.Objects;

import static java.util.Objects.requireNonNull;

/**
 * One address in a cluster: a pod (or an external host). Immutable, equal by value; its
 * {@code host:port} is made once, as every attempt, pool lookup and log line names it.
 */
public final class Endpoint {
    private final String pod;
    private final String workload;
    private final String address;
    private final int port;
    private final Map<String, String> labels;
    private final boolean sidecar;
    private final String serviceAccount;
    private final String namespace;
    private final String hostPort;

    /**
     * @param pod      the pod's name ({@code reviews-v2-0}), or {@code host:port} for an address outside the registry
     * @param workload the workload's name ({@code reviews-v2}), or "" outside the registry
     * @param port     where the caller connects: the pod's inbound port when it has a sidecar, else its app port
     * @param sidecar  whether a sidecar fronts it (mTLS is possible)
     */
    public Endpoint(String pod, String workload, String address, int port, Map<String, String> labels,
                    boolean sidecar, String serviceAccount, String namespace) {
        this.pod = requireNonNull(pod, "pod");
        this.workload = requireNonNull(workload, "workload");
        this.address = requireNonNull(address, "address");
        this.port = port;
        this.labels = Map.copyOf(labels);
        this.sidecar = sidecar;
        this.serviceAccount = serviceAccount;
        this.namespace = namespace;
        this.hostPort = address + ":" + port;
    }

    public String pod() {
        return pod;
    }

    public String workload() {
        return workload;
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public boolean sidecar() {
        return sidecar;
    }

    public String serviceAccount() {
        return serviceAccount;
    }

    public String namespace() {
        return namespace;
    }

    public String hostPort() {
        return hostPort;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Endpoint)) {
            return false;
        }
        Endpoint e = (Endpoint) o;
        return port == e.port && sidecar == e.sidecar && pod.equals(e.pod) && workload.equals(e.workload) && address.equals(e.address)
                && labels.equals(e.labels) && Objects.equals(serviceAccount, e.serviceAccount) && Objects.equals(namespace, e.namespace);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pod, workload, address, port, labels, sidecar, serviceAccount, namespace);
    }

    @Override
    public String toString() {
        return "Endpoint[pod=" + pod + ", workload=" + workload + ", address=" + address + ", port=" + port + ", labels=" + labels
                + ", sidecar=" + sidecar + ", serviceAccount=" + serviceAccount + ", namespace=" + namespace + "]";
    }
}
