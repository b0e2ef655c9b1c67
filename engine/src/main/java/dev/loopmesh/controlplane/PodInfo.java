package dev.loopmesh.controlplane;

import dev.loopmesh.topology.Protocol;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A pod as the registry knows it (Kubernetes' endpoints): name, labels, addresses.
 *
 * @param name         {@code reviews-v2-0}
 * @param workload     {@code reviews-v2}
 * @param address      the pod's own loopback address ({@code 127.x.y.z})
 * @param appHost      where the workload listens: the pod's address, or an external process's host
 * @param appPort      where the workload listens (the service port, or an allocated one in fallback mode)
 * @param inboundPort  the sidecar's inbound listener (15006), 0 without a sidecar
 * @param outboundPort the sidecar's outbound listener (15001), 0 without a sidecar
 * @param tcpOutbound  the sidecar's outbound listener for each {@code protocol: tcp} service, on the pod's address:
 *                     by {@link dev.loopmesh.policy.routing.TcpRoute#key service key}, the port (empty without a sidecar)
 */
public record PodInfo(String name, String workload, String service, String namespace, String version,
                      String address, String appHost, int appPort, int inboundPort, int outboundPort, int servicePort,
                      Map<String, String> labels, boolean sidecar, String serviceAccount, Protocol protocol,
                      Map<String, Integer> tcpOutbound) {
    public PodInfo {
        requireNonNull(name, "name");
        requireNonNull(workload, "workload");
        requireNonNull(service, "service");
        requireNonNull(namespace, "namespace");
        requireNonNull(address, "address");
        requireNonNull(appHost, "appHost");
        labels = Map.copyOf(labels);
        tcpOutbound = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tcpOutbound == null ? Map.of() : tcpOutbound));
    }

    /** A pod whose sidecar has no outbound TCP listeners. */
    public PodInfo(String name, String workload, String service, String namespace, String version, String address,
                   String appHost, int appPort, int inboundPort, int outboundPort, int servicePort, Map<String, String> labels,
                   boolean sidecar, String serviceAccount, Protocol protocol) {
        this(name, workload, service, namespace, version, address, appHost, appPort, inboundPort, outboundPort, servicePort,
                labels, sidecar, serviceAccount, protocol, Map.of());
    }

    /** Where a caller connects: the sidecar's inbound listener when there is one, else the app. */
    public int connectPort() {
        return sidecar ? inboundPort : appPort;
    }

    public String spiffeId(String trustDomain) {
        return "spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
    }
}
