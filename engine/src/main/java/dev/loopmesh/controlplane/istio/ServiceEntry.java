package dev.loopmesh.controlplane.istio;

import dev.loopmesh.topology.Position;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** Istio {@code ServiceEntry}: a host the registry does not have, made known with its ports and endpoints. */
public record ServiceEntry(String name, String namespace, List<String> hosts, List<String> addresses, List<Port> ports,
                           String location, String resolution, List<WorkloadEntry> endpoints, List<String> exportTo,
                           Position position) {
    public ServiceEntry {
        requireNonNull(name, "name");
        requireNonNull(namespace, "namespace");
        hosts = List.copyOf(hosts);
        addresses = List.copyOf(addresses);
        ports = List.copyOf(ports);
        location = location == null ? "MESH_EXTERNAL" : location;
        resolution = resolution == null ? "NONE" : resolution;
        endpoints = List.copyOf(endpoints);
        exportTo = List.copyOf(exportTo);
    }

    public String key() {
        return namespace + "/" + name;
    }

    /** @param targetPort 0 when not written */
    public record Port(int number, String name, String protocol, int targetPort) {
    }

    /** @param ports per port name, the endpoint's port (overrides the service port) */
    public record WorkloadEntry(String address, Map<String, Integer> ports, Map<String, String> labels) {
        public WorkloadEntry {
            requireNonNull(address, "address");
            ports = Map.copyOf(ports);
            labels = Map.copyOf(labels);
        }
    }
}
