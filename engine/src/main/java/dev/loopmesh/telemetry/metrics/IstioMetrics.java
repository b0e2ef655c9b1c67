package dev.loopmesh.telemetry.metrics;

import dev.loopmesh.telemetry.RequestRecord;
import dev.loopmesh.telemetry.RequestSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Istio's standard metrics from the proxies' request records, plus the TCP family and the proxies' own
 * failure counters, in one Prometheus registry: the mesh's single scrape target.
 *
 * <p>Recording costs one small key object and a hash lookup: meters are created once per distinct label
 * set and cached. At most {@code maxSeries} label sets are kept per family; requests beyond that are
 * counted in an "other" series (reporter and response code kept) and in {@value MetricNames#SERIES_OVERFLOW}.
 */
public final class IstioMetrics implements RequestSink {
    /** The Prometheus text exposition format 0.0.4, which {@link #scrape()} writes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Istio's default cluster id ({@code values.global.multiCluster.clusterName}). */
    public static final String DEFAULT_CLUSTER = "Kubernetes";
    public static final int DEFAULT_MAX_SERIES = 4000;

    private static final String OTHER = "other";
    private static final String[] STATUS_STRINGS = new String[600];

    static {
        for (int i = 0; i < STATUS_STRINGS.length; i++) {
            STATUS_STRINGS[i] = Integer.toString(i);
        }
    }

    private final PrometheusMeterRegistry registry;
    private final WorkloadLabels workloads;
    private final String clusterName;
    private final int maxSeries;
    private final ProxyCounters proxyCounters;
    private final Counter overflow;
    private final ConcurrentHashMap<HttpKey, Series> http = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<HttpKey, Series> httpOther = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<TcpLabels, TcpMeters> tcp = new ConcurrentHashMap<>();

    /** The labels of one request series: the raw record fields that decide them, nothing derived. */
    private record HttpKey(String reporter, String sourceWorkload, String sourceNamespace, String sourcePrincipal,
                           String destinationWorkload, String destinationNamespace, String destinationPrincipal,
                           String destinationVersion, String destinationService, String protocol, int status,
                           String responseFlags, boolean mtls, String grpcStatus) {
        /** Whether {@code r} has these labels, compared field by field without making a key. */
        boolean labels(RequestRecord r) {
            return status == r.status() && mtls == r.mtls() && destinationWorkload.equals(r.destinationWorkload())
                    && sourceWorkload.equals(r.sourceWorkload()) && responseFlags.equals(r.responseFlags())
                    && reporter.equals(r.reporter()) && destinationService.equals(r.destinationService())
                    && sourceNamespace.equals(r.sourceNamespace()) && sourcePrincipal.equals(r.sourcePrincipal())
                    && destinationNamespace.equals(r.destinationNamespace()) && destinationPrincipal.equals(r.destinationPrincipal())
                    && destinationVersion.equals(r.destinationVersion()) && protocol.equals(r.protocol())
                    && grpcStatus.equals(r.grpcStatus());
        }
    }

    /**
     * The series an event loop used last, so that recording a request makes no key and computes no
     * hash: a proxy sees the same few label sets request after request.
     */
    private static final class Recent {
        static final int SIZE = 8;
        final HttpKey[] keys = new HttpKey[SIZE];
        final Series[] series = new Series[SIZE];
        int next;
    }

    private final io.netty.util.concurrent.FastThreadLocal<Recent> recent = new io.netty.util.concurrent.FastThreadLocal<>() {
        @Override
        protected Recent initialValue() {
            return new Recent();
        }
    };

    private record Series(Counter requests, DistributionSummary duration, DistributionSummary requestBytes,
                          DistributionSummary responseBytes) {
    }

    private record TcpMeters(Counter sent, Counter received, Counter opened, Counter closed) {
    }

    public IstioMetrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new WorkloadLabels(), DEFAULT_CLUSTER, DEFAULT_MAX_SERIES);
    }

    /**
     * @param workloads   app and version labels per workload
     * @param clusterName the {@code source_cluster}/{@code destination_cluster} value of in-mesh workloads
     * @param maxSeries   label sets kept per family before folding into "other"
     */
    public IstioMetrics(PrometheusMeterRegistry registry, WorkloadLabels workloads, String clusterName, int maxSeries) {
        this.registry = requireNonNull(registry, "registry");
        this.workloads = requireNonNull(workloads, "workloads");
        this.clusterName = requireNonNull(clusterName, "clusterName");
        if (maxSeries < 1) {
            throw new IllegalArgumentException("maxSeries: " + maxSeries + " (expected: >= 1)");
        }
        this.maxSeries = maxSeries;
        this.proxyCounters = new ProxyCounters(registry, maxSeries);
        this.overflow = Counter.builder(MetricNames.SERIES_OVERFLOW)
                .description("Requests and connections counted in an \"other\" series because the label-set cap was reached")
                .register(registry);
    }

    @Override
    public void record(RequestRecord r) {
        Recent c = recent.get();
        Series s = null;
        for (int i = 0; i < Recent.SIZE; i++) {
            HttpKey k = c.keys[i];
            if (k != null && k.labels(r)) {
                s = c.series[i];
                break;
            }
        }
        if (s == null) {
            HttpKey key = new HttpKey(r.reporter(), r.sourceWorkload(), r.sourceNamespace(), r.sourcePrincipal(),
                    r.destinationWorkload(), r.destinationNamespace(), r.destinationPrincipal(), r.destinationVersion(),
                    r.destinationService(), r.protocol(), r.status(), r.responseFlags(), r.mtls(), r.grpcStatus());
            s = http.get(key);
            if (s == null) {
                s = seriesFor(key);
            }
            c.keys[c.next] = key;
            c.series[c.next] = s;
            c.next = (c.next + 1) % Recent.SIZE;
        }
        s.requests.increment();
        s.duration.record(r.durationMicros() / 1000.0);
        s.requestBytes.record(r.requestBytes());
        s.responseBytes.record(r.responseBytes());
    }

    /**
     * Counts a TCP connection opening and returns its meters; the proxy keeps the handle on the
     * connection. Connections with equal labels share meters.
     */
    public TcpConnection tcpOpened(TcpLabels labels) {
        requireNonNull(labels, "labels");
        TcpMeters m = tcp.get(labels);
        if (m == null) {
            if (tcp.size() >= maxSeries) {
                overflow.increment();
                labels = new TcpLabels(labels.reporter(), OTHER, OTHER, OTHER, OTHER, OTHER, OTHER, OTHER, OTHER, OTHER, false);
            }
            m = tcp.computeIfAbsent(labels, this::registerTcp);
        }
        m.opened.increment();
        return new TcpConnection(m.sent, m.received, m.closed);
    }

    /** The proxies' own counters (pending overflow, retries, ejections, rate limits). */
    public ProxyCounters proxyCounters() {
        return proxyCounters;
    }

    /** The app and version labels; the mesh registers each workload of the topology here. */
    public WorkloadLabels workloads() {
        return workloads;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Every meter in the Prometheus text format 0.0.4 ({@link #CONTENT_TYPE}): what {@code GET /stats/prometheus} serves. */
    public String scrape() {
        return registry.scrape();
    }

    /** Label sets currently kept in the HTTP family (not counting "other" series). */
    public int httpSeries() {
        return http.size();
    }

    private Series seriesFor(HttpKey key) {
        if (http.size() >= maxSeries) {
            overflow.increment();
            HttpKey other = new HttpKey(key.reporter(), OTHER, OTHER, OTHER, OTHER, OTHER, OTHER, OTHER, OTHER, OTHER,
                    key.status(), OTHER, false, key.grpcStatus());
            return httpOther.computeIfAbsent(other, this::registerHttp);
        }
        return http.computeIfAbsent(key, this::registerHttp);
    }

    private Series registerHttp(HttpKey k) {
        Tags tags = tags(k.reporter(), k.sourceWorkload(), k.sourceNamespace(), k.sourcePrincipal(), k.destinationWorkload(),
                k.destinationNamespace(), k.destinationPrincipal(), k.destinationVersion(), k.destinationService(),
                k.protocol() == null || k.protocol().isEmpty() ? "http" : k.protocol(), status(k.status()), k.responseFlags(),
                k.mtls(), true, k.grpcStatus());
        return new Series(
                Counter.builder(MetricNames.REQUESTS).description("Requests handled by a proxy (Istio standard metric)")
                        .tags(tags).register(registry),
                DistributionSummary.builder(MetricNames.REQUEST_DURATION).description("Request duration in milliseconds")
                        .serviceLevelObjectives(MetricNames.durationBuckets()).publishPercentileHistogram(false)
                        .tags(tags).register(registry),
                DistributionSummary.builder(MetricNames.REQUEST_BYTES).description("HTTP request body sizes in bytes")
                        .serviceLevelObjectives(MetricNames.byteBuckets()).publishPercentileHistogram(false)
                        .tags(tags).register(registry),
                DistributionSummary.builder(MetricNames.RESPONSE_BYTES).description("HTTP response body sizes in bytes")
                        .serviceLevelObjectives(MetricNames.byteBuckets()).publishPercentileHistogram(false)
                        .tags(tags).register(registry));
    }

    private TcpMeters registerTcp(TcpLabels l) {
        Tags tags = tags(l.reporter(), l.sourceWorkload(), l.sourceNamespace(), l.sourcePrincipal(), l.destinationWorkload(),
                l.destinationNamespace(), l.destinationPrincipal(), l.destinationVersion(), l.destinationService(), "tcp",
                null, l.responseFlags(), l.mtls(), false, null);
        return new TcpMeters(
                Counter.builder(MetricNames.TCP_SENT).description("Bytes sent during response on TCP connections")
                        .tags(tags).register(registry),
                Counter.builder(MetricNames.TCP_RECEIVED).description("Bytes received during request on TCP connections")
                        .tags(tags).register(registry),
                Counter.builder(MetricNames.TCP_OPENED).description("TCP connections opened").tags(tags).register(registry),
                Counter.builder(MetricNames.TCP_CLOSED).description("TCP connections closed").tags(tags).register(registry));
    }

    /** Istio's label values for one series, derived once when the series is created. */
    private Tags tags(String reporter, String sourceWorkload, String sourceNamespace, String sourcePrincipal,
                      String destinationWorkload, String destinationNamespace, String destinationPrincipal,
                      String destinationVersion, String destinationService, String protocol, String responseCode,
                      String responseFlags, boolean mtls, boolean http, String grpcStatus) {
        String srcWl = WorkloadLabels.orUnknown(sourceWorkload);
        String dstWl = WorkloadLabels.orUnknown(destinationWorkload);
        WorkloadLabels.AppVersion src = OTHER.equals(srcWl) ? new WorkloadLabels.AppVersion(OTHER, OTHER) : workloads.of(srcWl);
        WorkloadLabels.AppVersion dst = OTHER.equals(dstWl) ? new WorkloadLabels.AppVersion(OTHER, OTHER) : workloads.of(dstWl);
        String dstNs = WorkloadLabels.orUnknown(destinationNamespace);
        String service = WorkloadLabels.orUnknown(destinationService);
        String serviceName = service;
        String serviceNamespace = dstNs;
        int svc = service.indexOf(".svc.");
        int dot = service.indexOf('.');
        if (svc > 0 && dot < svc) {
            // name.namespace.svc.cluster.local
            serviceName = service.substring(0, dot);
            serviceNamespace = service.substring(dot + 1, svc);
        }
        String dstVersion = destinationVersion == null || destinationVersion.isEmpty() || WorkloadLabels.UNKNOWN.equals(destinationVersion)
                ? dst.version() : destinationVersion;
        // Istio: only the destination proxy knows whether the connection it accepted was mTLS
        String security = "destination".equals(reporter) ? (mtls ? "mutual_tls" : "none") : WorkloadLabels.UNKNOWN;
        if (OTHER.equals(srcWl)) {
            security = OTHER;
        }
        String[] kv = new String[(http ? MetricNames.HTTP_LABELS.size() : MetricNames.TCP_LABELS.size()) * 2];
        int i = 0;
        i = put(kv, i, "reporter", reporter);
        i = put(kv, i, "source_workload", srcWl);
        i = put(kv, i, "source_workload_namespace", WorkloadLabels.orUnknown(sourceNamespace));
        i = put(kv, i, "source_principal", WorkloadLabels.orUnknown(sourcePrincipal));
        i = put(kv, i, "source_app", src.app());
        i = put(kv, i, "source_version", src.version());
        i = put(kv, i, "source_cluster", cluster(srcWl));
        i = put(kv, i, "destination_workload", dstWl);
        i = put(kv, i, "destination_workload_namespace", dstNs);
        i = put(kv, i, "destination_principal", WorkloadLabels.orUnknown(destinationPrincipal));
        i = put(kv, i, "destination_app", dst.app());
        i = put(kv, i, "destination_version", dstVersion);
        i = put(kv, i, "destination_service", service);
        i = put(kv, i, "destination_service_name", serviceName);
        i = put(kv, i, "destination_service_namespace", serviceNamespace);
        i = put(kv, i, "destination_cluster", cluster(dstWl));
        i = put(kv, i, "request_protocol", protocol);
        if (http) {
            i = put(kv, i, "response_code", responseCode);
            // Istio's stats filter: the gRPC status of a gRPC request, empty for plain HTTP
            i = put(kv, i, "grpc_response_status", grpcStatus == null ? "" : grpcStatus);
        }
        i = put(kv, i, "response_flags", responseFlags == null || responseFlags.isEmpty() ? "-" : responseFlags);
        put(kv, i, "connection_security_policy", security);
        return Tags.of(kv);
    }

    private String cluster(String workload) {
        if (OTHER.equals(workload)) {
            return OTHER;
        }
        return WorkloadLabels.UNKNOWN.equals(workload) ? WorkloadLabels.UNKNOWN : clusterName;
    }

    private static int put(String[] kv, int i, String key, String value) {
        kv[i] = key;
        kv[i + 1] = value;
        return i + 2;
    }

    private static String status(int status) {
        return status >= 0 && status < STATUS_STRINGS.length ? STATUS_STRINGS[status] : Integer.toString(status);
    }
}
