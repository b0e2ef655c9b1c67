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

    /**
     * A record to build field by field, so that a call site names what it sets; what it does not set is
     * "" (strings), 0, false, no trace, and "-" for {@code responseFlags} and {@code upstreamHost}.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.reporter = reporter;
        b.proxy = proxy;
        b.startEpochMillis = startEpochMillis;
        b.method = method;
        b.path = path;
        b.protocol = protocol;
        b.authority = authority;
        b.status = status;
        b.responseFlags = responseFlags;
        b.sourceWorkload = sourceWorkload;
        b.sourceNamespace = sourceNamespace;
        b.sourcePrincipal = sourcePrincipal;
        b.destinationWorkload = destinationWorkload;
        b.destinationNamespace = destinationNamespace;
        b.destinationService = destinationService;
        b.destinationPrincipal = destinationPrincipal;
        b.destinationVersion = destinationVersion;
        b.routeName = routeName;
        b.upstreamCluster = upstreamCluster;
        b.upstreamHost = upstreamHost;
        b.attempts = attempts;
        b.durationMicros = durationMicros;
        b.upstreamServiceMicros = upstreamServiceMicros;
        b.requestBytes = requestBytes;
        b.responseBytes = responseBytes;
        b.mtls = mtls;
        b.requestId = requestId;
        b.userAgent = userAgent;
        b.downstreamAddress = downstreamAddress;
        b.trace = trace;
        b.grpcStatus = grpcStatus;
        b.requestedServerName = requestedServerName;
        b.upstreamLocalAddress = upstreamLocalAddress;
        b.downstreamLocalAddress = downstreamLocalAddress;
        return b;
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

    /** Builds a {@link RequestRecord}; see {@link #builder()} for the values of what is not set. */
    public static final class Builder {
        private String reporter = "";
        private String proxy = "";
        private long startEpochMillis = 0;
        private String method = "";
        private String path = "";
        private String protocol = "";
        private String authority = "";
        private int status = 0;
        private String responseFlags = "-";
        private String sourceWorkload = "";
        private String sourceNamespace = "";
        private String sourcePrincipal = "";
        private String destinationWorkload = "";
        private String destinationNamespace = "";
        private String destinationService = "";
        private String destinationPrincipal = "";
        private String destinationVersion = "";
        private String routeName = "";
        private String upstreamCluster = "";
        private String upstreamHost = "-";
        private int attempts = 0;
        private long durationMicros = 0;
        private long upstreamServiceMicros = 0;
        private long requestBytes = 0;
        private long responseBytes = 0;
        private boolean mtls = false;
        private String requestId = "";
        private String userAgent = "";
        private String downstreamAddress = "";
        private List<String> trace = List.of();
        private String grpcStatus = "";
        private String requestedServerName = "";
        private String upstreamLocalAddress = "";
        private String downstreamLocalAddress = "";

        private Builder() {
        }

        public Builder reporter(String reporter) {
            this.reporter = reporter;
            return this;
        }

        public Builder proxy(String proxy) {
            this.proxy = proxy;
            return this;
        }

        public Builder startEpochMillis(long startEpochMillis) {
            this.startEpochMillis = startEpochMillis;
            return this;
        }

        public Builder method(String method) {
            this.method = method;
            return this;
        }

        public Builder path(String path) {
            this.path = path;
            return this;
        }

        public Builder protocol(String protocol) {
            this.protocol = protocol;
            return this;
        }

        public Builder authority(String authority) {
            this.authority = authority;
            return this;
        }

        public Builder status(int status) {
            this.status = status;
            return this;
        }

        public Builder responseFlags(String responseFlags) {
            this.responseFlags = responseFlags;
            return this;
        }

        public Builder sourceWorkload(String sourceWorkload) {
            this.sourceWorkload = sourceWorkload;
            return this;
        }

        public Builder sourceNamespace(String sourceNamespace) {
            this.sourceNamespace = sourceNamespace;
            return this;
        }

        public Builder sourcePrincipal(String sourcePrincipal) {
            this.sourcePrincipal = sourcePrincipal;
            return this;
        }

        public Builder destinationWorkload(String destinationWorkload) {
            this.destinationWorkload = destinationWorkload;
            return this;
        }

        public Builder destinationNamespace(String destinationNamespace) {
            this.destinationNamespace = destinationNamespace;
            return this;
        }

        public Builder destinationService(String destinationService) {
            this.destinationService = destinationService;
            return this;
        }

        public Builder destinationPrincipal(String destinationPrincipal) {
            this.destinationPrincipal = destinationPrincipal;
            return this;
        }

        public Builder destinationVersion(String destinationVersion) {
            this.destinationVersion = destinationVersion;
            return this;
        }

        public Builder routeName(String routeName) {
            this.routeName = routeName;
            return this;
        }

        public Builder upstreamCluster(String upstreamCluster) {
            this.upstreamCluster = upstreamCluster;
            return this;
        }

        public Builder upstreamHost(String upstreamHost) {
            this.upstreamHost = upstreamHost;
            return this;
        }

        public Builder attempts(int attempts) {
            this.attempts = attempts;
            return this;
        }

        public Builder durationMicros(long durationMicros) {
            this.durationMicros = durationMicros;
            return this;
        }

        public Builder upstreamServiceMicros(long upstreamServiceMicros) {
            this.upstreamServiceMicros = upstreamServiceMicros;
            return this;
        }

        public Builder requestBytes(long requestBytes) {
            this.requestBytes = requestBytes;
            return this;
        }

        public Builder responseBytes(long responseBytes) {
            this.responseBytes = responseBytes;
            return this;
        }

        public Builder mtls(boolean mtls) {
            this.mtls = mtls;
            return this;
        }

        public Builder requestId(String requestId) {
            this.requestId = requestId;
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        public Builder downstreamAddress(String downstreamAddress) {
            this.downstreamAddress = downstreamAddress;
            return this;
        }

        public Builder trace(List<String> trace) {
            this.trace = trace;
            return this;
        }

        public Builder grpcStatus(String grpcStatus) {
            this.grpcStatus = grpcStatus;
            return this;
        }

        public Builder requestedServerName(String requestedServerName) {
            this.requestedServerName = requestedServerName;
            return this;
        }

        public Builder upstreamLocalAddress(String upstreamLocalAddress) {
            this.upstreamLocalAddress = upstreamLocalAddress;
            return this;
        }

        public Builder downstreamLocalAddress(String downstreamLocalAddress) {
            this.downstreamLocalAddress = downstreamLocalAddress;
            return this;
        }

        public RequestRecord build() {
            return new RequestRecord(reporter, proxy, startEpochMillis, method, path, protocol, authority, status, responseFlags,
                    sourceWorkload, sourceNamespace, sourcePrincipal, destinationWorkload, destinationNamespace,
                    destinationService, destinationPrincipal, destinationVersion, routeName, upstreamCluster,
                    upstreamHost, attempts, durationMicros, upstreamServiceMicros, requestBytes, responseBytes, mtls,
                    requestId, userAgent, downstreamAddress, trace, grpcStatus, requestedServerName,
                    upstreamLocalAddress, downstreamLocalAddress);
        }
    }
}
