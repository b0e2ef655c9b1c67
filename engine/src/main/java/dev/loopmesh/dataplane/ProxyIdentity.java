package dev.loopmesh.dataplane;

import static java.util.Objects.requireNonNull;

/**
 * Who a proxy speaks for, as telemetry labels it.
 *
 * @param proxy     the pod name, or istio-ingressgateway
 * @param workload  {@code reviews-v2}
 * @param principal the SPIFFE identity, or "" while mTLS is off
 */
public record ProxyIdentity(String proxy, String workload, String namespace, String app, String version,
                            String principal, String address) {
    public ProxyIdentity {
        requireNonNull(proxy, "proxy");
        requireNonNull(workload, "workload");
        requireNonNull(namespace, "namespace");
        app = app == null ? "" : app;
        version = version == null ? "" : version;
        principal = principal == null ? "" : principal;
        requireNonNull(address, "address");
    }
}
