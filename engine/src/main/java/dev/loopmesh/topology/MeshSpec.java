package dev.loopmesh.topology;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The Loopmesh {@code Mesh} document: services and their workloads, the ingress, the load. */
public record MeshSpec(String name, String namespace, List<ServiceSpec> services, IngressSpec ingress,
                       List<TrafficClientSpec> traffic, Position position) {
    public MeshSpec {
        requireNonNull(name, "name");
        requireNonNull(namespace, "namespace");
        services = List.copyOf(services);
        ingress = ingress == null ? IngressSpec.NONE : ingress;
        traffic = List.copyOf(traffic == null ? List.of() : traffic);
        position = position == null ? Position.UNKNOWN : position;
    }

    public Optional<ServiceSpec> service(String name, String namespace) {
        return services.stream().filter(s -> s.name().equals(name) && s.namespace().equals(namespace)).findFirst();
    }

    public List<WorkloadSpec> workloads() {
        return services.stream().flatMap(s -> s.workloads().stream()).toList();
    }
}
