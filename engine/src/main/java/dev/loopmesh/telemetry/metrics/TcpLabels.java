package dev.loopmesh.telemetry.metrics;

/**
 * Who a TCP connection is between, as the proxy that carries it knows. Empty or null values are
 * reported as "unknown", as Istio does. Equal labels share one set of meters.
 *
 * @param reporter "source" (the caller's sidecar or the gateway) or "destination" (the callee's sidecar)
 * @param destinationService the service FQDN ({@code reviews.default.svc.cluster.local}) or the host
 */
public record TcpLabels(String reporter, String sourceWorkload, String sourceNamespace, String sourcePrincipal,
                        String destinationWorkload, String destinationNamespace, String destinationPrincipal,
                        String destinationVersion, String destinationService, String responseFlags, boolean mtls) {
    public TcpLabels {
        reporter = reporter == null ? "source" : reporter;
        responseFlags = responseFlags == null || responseFlags.isEmpty() ? "-" : responseFlags;
    }

    /** These labels with {@code flags} (Envoy's response flags, "-" for none). */
    public TcpLabels withResponseFlags(String flags) {
        return new TcpLabels(reporter, sourceWorkload, sourceNamespace, sourcePrincipal, destinationWorkload, destinationNamespace,
                destinationPrincipal, destinationVersion, destinationService, flags, mtls);
    }
}
