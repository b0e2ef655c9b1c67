package dev.loopmesh.telemetry.metrics;

import java.util.List;

/**
 * Every meter name and label key Loopmesh exposes, in one place. Names are Micrometer names; the
 * Prometheus registry adds {@code _total} to counters and {@code _bucket}/{@code _sum}/{@code _count} to
 * histograms, so the exposition shows Istio's names unchanged (Istio "Standard Metrics" reference).
 */
public final class MetricNames {
    public static final String REQUESTS = "istio_requests";
    public static final String REQUEST_DURATION = "istio_request_duration_milliseconds";
    public static final String REQUEST_BYTES = "istio_request_bytes";
    public static final String RESPONSE_BYTES = "istio_response_bytes";

    public static final String TCP_SENT = "istio_tcp_sent_bytes";
    public static final String TCP_RECEIVED = "istio_tcp_received_bytes";
    public static final String TCP_OPENED = "istio_tcp_connections_opened";
    public static final String TCP_CLOSED = "istio_tcp_connections_closed";

    public static final String PENDING_OVERFLOW = "envoy_cluster_upstream_rq_pending_overflow";
    public static final String CX_OVERFLOW = "envoy_cluster_upstream_cx_overflow";
    public static final String RETRY = "envoy_cluster_upstream_rq_retry";
    public static final String RETRY_OVERFLOW = "envoy_cluster_upstream_rq_retry_overflow";
    public static final String RQ_TIMEOUT = "envoy_cluster_upstream_rq_timeout";
    public static final String EJECTIONS_ACTIVE = "envoy_cluster_outlier_detection_ejections_active";
    public static final String EJECTIONS_TOTAL = "envoy_cluster_outlier_detection_ejections";
    public static final String RATE_LIMITED = "envoy_http_local_rate_limit_rate_limited";

    /** Requests whose label set did not fit under the cardinality cap and were counted in an "other" series. */
    public static final String SERIES_OVERFLOW = "loopmesh_metrics_series_overflow";

    /** Istio's default duration buckets, in milliseconds. */
    static final double[] DURATION_BUCKETS_MS = {0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000,
        60000, 300000, 600000, 1800000, 3600000};
    /** Istio's byte-size buckets. */
    static final double[] BYTE_BUCKETS = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};

    /** The label keys of the HTTP family, in Istio's order. */
    public static final List<String> HTTP_LABELS = List.of("reporter", "source_workload", "source_workload_namespace",
            "source_principal", "source_app", "source_version", "source_cluster", "destination_workload",
            "destination_workload_namespace", "destination_principal", "destination_app", "destination_version",
            "destination_service", "destination_service_name", "destination_service_namespace", "destination_cluster",
            "request_protocol", "response_code", "grpc_response_status", "response_flags", "connection_security_policy");

    /** The TCP family has the same keys less response_code and grpc_response_status. */
    public static final List<String> TCP_LABELS = HTTP_LABELS.stream()
            .filter(k -> !k.equals("response_code") && !k.equals("grpc_response_status")).toList();

    public static final String PROXY = "proxy";
    public static final String CLUSTER_NAME = "cluster_name";

    static double[] durationBuckets() {
        return DURATION_BUCKETS_MS.clone();
    }

    static double[] byteBuckets() {
        return BYTE_BUCKETS.clone();
    }

    private MetricNames() {
    }
}
