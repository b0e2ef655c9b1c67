package dev.loopmesh.telemetry;

import java.util.List;

/**
 * Everything known about one finished request at one proxy: what the access log prints, what the
 * metrics count, what the edge statistics aggregate. Durations are in configured time.
 *
 * @param reporter            "source" (the caller's sidecar or the gateway) or "destination" (the callee's sidecar)
 * @param proxy               the proxy that saw it (pod name or istio-ingressgateway)
 * @param sourceWorkload      the caller's workload, or "unknown" for traffic from outside the mesh
 * @param destinationWorkload the callee's workload, or "unknown" when no endpoint was chosen
 * @param destinationService  the service FQDN the request was for (or the host)
 * @param responseFlags       Envoy's flags, "-" for none
 * @param upstreamHost        {@code address:port} of the last endpoint tried, "-" if none
 * @param trace               the route decision and the request timeline, for people
 */
public record RequestRecord(String reporter, String proxy, long startEpochMillis, String method, String path,
                            String protocol, String authority, int status, String responseFlags,
                            String sourceWorkload, String sourceNamespace, String sourcePrincipal,
                            String destinationWorkload, String destinationNamespace, String destinationService,
                            String destinationPrincipal, String destinationVersion, String routeName,
                            String upstreamCluster, String upstreamHost, int attempts, long durationMicros,
                            long upstreamServiceMicros, long requestBytes, long responseBytes, boolean mtls,
                            String requestId, String userAgent, String downstreamAddress, List<String> trace) {
    public RequestRecord {
        trace = trace == null ? List.of() : List.copyOf(trace);
    }

    public boolean isSuccess() {
        return status > 0 && status < 500;
    }
}
