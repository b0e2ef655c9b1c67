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
 * @param protocol            Istio's {@code request_protocol}: "grpc" for a gRPC request, else "http"
 * @param grpcStatus          Istio's {@code grpc_response_status} for a gRPC request: the grpc-status of the
 *                            trailers, else of the headers (trailers-only), else derived from the HTTP status;
 *                            "" for other requests and for a gRPC request that got no response
 * @param requestedServerName Envoy's {@code %REQUESTED_SERVER_NAME%}: the SNI of a TLS connection, "" when none
 * @param upstreamLocalAddress   {@code address:port} this proxy's upstream connection was bound to, "" when unknown
 * @param downstreamLocalAddress {@code address:port} the downstream connected to (the listener), "" when unknown
 */
public record RequestRecord(String reporter, String proxy, long startEpochMillis, String method, String path,
                            String protocol, String authority, int status, String responseFlags,
                            String sourceWorkload, String sourceNamespace, String sourcePrincipal,
                            String destinationWorkload, String destinationNamespace, String destinationService,
                            String destinationPrincipal, String destinationVersion, String routeName,
                            String upstreamCluster, String upstreamHost, int attempts, long durationMicros,
                            long upstreamServiceMicros, long requestBytes, long responseBytes, boolean mtls,
                            String requestId, String userAgent, String downstreamAddress, List<String> trace,
                            String grpcStatus, String requestedServerName, String upstreamLocalAddress,
                            String downstreamLocalAddress) {
    public RequestRecord {
        trace = trace == null ? List.of() : List.copyOf(trace);
        grpcStatus = grpcStatus == null ? "" : grpcStatus;
        requestedServerName = requestedServerName == null ? "" : requestedServerName;
        upstreamLocalAddress = upstreamLocalAddress == null ? "" : upstreamLocalAddress;
        downstreamLocalAddress = downstreamLocalAddress == null ? "" : downstreamLocalAddress;
    }

    /** A record of an HTTP or gRPC request (the connection's addresses and SNI unknown). */
    public RequestRecord(String reporter, String proxy, long startEpochMillis, String method, String path,
                         String protocol, String authority, int status, String responseFlags,
                         String sourceWorkload, String sourceNamespace, String sourcePrincipal,
                         String destinationWorkload, String destinationNamespace, String destinationService,
                         String destinationPrincipal, String destinationVersion, String routeName,
                         String upstreamCluster, String upstreamHost, int attempts, long durationMicros,
                         long upstreamServiceMicros, long requestBytes, long responseBytes, boolean mtls,
                         String requestId, String userAgent, String downstreamAddress, List<String> trace,
                         String grpcStatus) {
        this(reporter, proxy, startEpochMillis, method, path, protocol, authority, status, responseFlags, sourceWorkload,
                sourceNamespace, sourcePrincipal, destinationWorkload, destinationNamespace, destinationService,
                destinationPrincipal, destinationVersion, routeName, upstreamCluster, upstreamHost, attempts, durationMicros,
                upstreamServiceMicros, requestBytes, responseBytes, mtls, requestId, userAgent, downstreamAddress, trace, grpcStatus,
                "", "", "");
    }

    /** A record of a request that is not gRPC. */
    public RequestRecord(String reporter, String proxy, long startEpochMillis, String method, String path,
                         String protocol, String authority, int status, String responseFlags,
                         String sourceWorkload, String sourceNamespace, String sourcePrincipal,
                         String destinationWorkload, String destinationNamespace, String destinationService,
                         String destinationPrincipal, String destinationVersion, String routeName,
                         String upstreamCluster, String upstreamHost, int attempts, long durationMicros,
                         long upstreamServiceMicros, long requestBytes, long responseBytes, boolean mtls,
                         String requestId, String userAgent, String downstreamAddress, List<String> trace) {
        this(reporter, proxy, startEpochMillis, method, path, protocol, authority, status, responseFlags, sourceWorkload,
                sourceNamespace, sourcePrincipal, destinationWorkload, destinationNamespace, destinationService,
                destinationPrincipal, destinationVersion, routeName, upstreamCluster, upstreamHost, attempts, durationMicros,
                upstreamServiceMicros, requestBytes, responseBytes, mtls, requestId, userAgent, downstreamAddress, trace, "");
    }

    /** A TCP connection's record (Envoy's tcp_proxy access log): no request, no status, one line at close. */
    public boolean isTcp() {
        return "tcp".equals(protocol);
    }

    /**
     * Answered below 500; a gRPC call also needs grpc-status 0 (it fails with HTTP 200 and a non-zero status);
     * a TCP connection, relayed without a response flag.
     */
    public boolean isSuccess() {
        if (isTcp()) {
            return responseFlags == null || responseFlags.isEmpty() || responseFlags.equals("-");
        }
        return status > 0 && status < 500 && (grpcStatus.isEmpty() || grpcStatus.equals("0"));
    }
}
