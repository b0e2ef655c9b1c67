package dev.loopmesh.topology;

import java.util.List;

import static java.util.Objects.requireNonNull;

public record ServiceSpec(String name, String namespace, int port, Protocol protocol, List<WorkloadSpec> workloads,
                          Position position) {
    public ServiceSpec {
        requireNonNull(name, "name");
        requireNonNull(namespace, "namespace");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        protocol = protocol == null ? Protocol.HTTP : protocol;
        workloads = List.copyOf(workloads);
        position = position == null ? Position.UNKNOWN : position;
    }

    /** {@code reviews.default.svc.cluster.local} */
    public String fqdn() {
        return name + "." + namespace + ".svc.cluster.local";
    }
}
