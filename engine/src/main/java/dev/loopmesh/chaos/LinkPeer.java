package dev.loopmesh.chaos;

import static java.util.Objects.requireNonNull;

/**
 * One side of a hop as the proxy knows it: the calling pod (or the ingress gateway) and the picked
 * endpoint's pod. A fault's side matches it by service, workload or pod name, or {@code *}.
 */
public record LinkPeer(String service, String workload, String pod) {
    public static final String ANY = "*";

    public LinkPeer {
        service = service == null ? "" : service;
        workload = workload == null ? "" : workload;
        pod = pod == null ? "" : pod;
    }

    public boolean is(String name) {
        requireNonNull(name, "name");
        return name.equals(ANY) || !name.isEmpty() && (name.equals(service) || name.equals(workload) || name.equals(pod));
    }
}
