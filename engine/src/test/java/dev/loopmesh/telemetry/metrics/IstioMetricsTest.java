package dev.loopmesh.telemetry.metrics;

import dev.loopmesh.telemetry.RequestRecord;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.loopmesh.telemetry.metrics.Records.outbound;
import static dev.loopmesh.telemetry.metrics.Records.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class IstioMetricsTest {
    private final IstioMetrics metrics = new IstioMetrics();

    private static Map<String, String> labels(String... kv) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void destinationReporterSeriesHasIstiosExactLabelSet() {
        // Istio "Standard Metrics" labels; only the destination proxy reports mutual_tls
        metrics.record(request("destination", "reviews-v2-0", "productpage-v1", "reviews-v2", "v2", 200, "-", 12_000, 0, 300, true));

        List<Exposition.Sample> samples = Exposition.named(metrics.scrape(), "istio_requests_total");
        assertThat(samples).hasSize(1);
        assertThat(new TreeMap<>(samples.get(0).labels())).isEqualTo(labels(
                "reporter", "destination",
                "source_workload", "productpage-v1", "source_workload_namespace", "default",
                "source_principal", Records.PRODUCTPAGE_SA, "source_app", "productpage", "source_version", "v1",
                "source_cluster", "Kubernetes",
                "destination_workload", "reviews-v2", "destination_workload_namespace", "default",
                "destination_principal", Records.REVIEWS_SA, "destination_app", "reviews", "destination_version", "v2",
                "destination_service", "reviews.default.svc.cluster.local", "destination_service_name", "reviews",
                "destination_service_namespace", "default", "destination_cluster", "Kubernetes",
                "request_protocol", "http", "response_code", "200", "grpc_response_status", "",
                "response_flags", "-", "connection_security_policy", "mutual_tls"));
        assertThat(samples.get(0).labels().keySet()).containsExactlyInAnyOrderElementsOf(MetricNames.HTTP_LABELS);
        assertThat(samples.get(0).value()).isEqualTo(1.0);
    }

    @Test
    void sourceReporterSaysUnknownSecurityPolicyAndUnknownPrincipalsWithoutMtls() {
        metrics.record(outbound("reviews-v1", "v1", 503, "UO", 300));

        Map<String, String> l = Exposition.named(metrics.scrape(), "istio_requests_total").get(0).labels();
        assertThat(l).containsEntry("reporter", "source")
                .containsEntry("connection_security_policy", "unknown")
                .containsEntry("source_principal", "unknown")
                .containsEntry("destination_principal", "unknown")
                .containsEntry("response_code", "503")
                .containsEntry("response_flags", "UO");
    }

    @Test
    void gatewayAndUnknownDestinationGetIstiosPlaceholders() {
        RequestRecord r = RequestRecord.builder()
                .reporter("source")
                .proxy("istio-ingressgateway")
                .method("GET")
                .path("/x")
                .protocol("http")
                .authority("nowhere")
                .status(404)
                .responseFlags("NR")
                .sourceWorkload("istio-ingressgateway")
                .sourceNamespace("istio-system")
                .destinationWorkload("unknown")
                .destinationNamespace("unknown")
                .destinationService("nowhere")
                .destinationVersion("unknown")
                .durationMicros(100)
                .userAgent("-")
                .downstreamAddress("-")
                .build();
        metrics.record(r);

        Map<String, String> l = Exposition.named(metrics.scrape(), "istio_requests_total").get(0).labels();
        assertThat(l).containsEntry("source_app", "istio-ingressgateway")
                .containsEntry("source_version", "unknown")
                .containsEntry("source_workload_namespace", "istio-system")
                .containsEntry("destination_workload", "unknown")
                .containsEntry("destination_app", "unknown")
                .containsEntry("destination_cluster", "unknown")
                .containsEntry("destination_service", "nowhere")
                .containsEntry("destination_service_name", "nowhere")
                .containsEntry("destination_service_namespace", "unknown");
    }

    @Test
    void registeredWorkloadLabelsWinOverTheNamingFallback() {
        metrics.workloads().register("productpage-v1", "product-page", "v1-canary");
        metrics.record(outbound("reviews-v1", "v1", 200, "-", 300));

        Map<String, String> l = Exposition.named(metrics.scrape(), "istio_requests_total").get(0).labels();
        assertThat(l).containsEntry("source_app", "product-page").containsEntry("source_version", "v1-canary");
    }

    @Test
    void durationHistogramUsesIstioBucketsInMillisecondsAndIsCumulative() {
        metrics.record(outbound("reviews-v1", "v1", 200, "-", 700));       // 0.7 ms
        metrics.record(outbound("reviews-v1", "v1", 200, "-", 30_000));    // 30 ms
        metrics.record(outbound("reviews-v1", "v1", 200, "-", 4_000_000)); // 4 s
        String text = metrics.scrape();

        List<Exposition.Sample> buckets = Exposition.named(text, "istio_request_duration_milliseconds_bucket");
        assertThat(buckets.stream().map(b -> Double.parseDouble(b.labels().get("le").replace("+Inf", "Infinity"))))
                .containsExactly(0.5, 1.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0, 10000.0,
                        30000.0, 60000.0, 300000.0, 600000.0, 1800000.0, 3600000.0, Double.POSITIVE_INFINITY);
        double[] counts = buckets.stream().mapToDouble(Exposition.Sample::value).toArray();
        for (int i = 1; i < counts.length; i++) {
            assertThat(counts[i]).as("bucket %d is cumulative", i).isGreaterThanOrEqualTo(counts[i - 1]);
        }
        assertThat(counts[0]).isEqualTo(0);       // le 0.5
        assertThat(counts[1]).isEqualTo(1);       // le 1
        assertThat(counts[5]).isEqualTo(2);       // le 50
        assertThat(counts[11]).isEqualTo(3);      // le 5000
        assertThat(counts[counts.length - 1]).isEqualTo(3);
        assertThat(Exposition.named(text, "istio_request_duration_milliseconds_count").get(0).value()).isEqualTo(3);
        assertThat(Exposition.named(text, "istio_request_duration_milliseconds_sum").get(0).value())
                .isCloseTo(4030.7, within(1e-6));
        assertThat(text).contains("# TYPE istio_request_duration_milliseconds histogram");
    }

    @Test
    void byteHistogramsUseIstioByteBuckets() {
        metrics.record(request("destination", "reviews-v1-0", "productpage-v1", "reviews-v1", "v1", 200, "-", 1000,
                50, 5000, false));
        String text = metrics.scrape();

        List<Exposition.Sample> req = Exposition.named(text, "istio_request_bytes_bucket");
        List<Exposition.Sample> resp = Exposition.named(text, "istio_response_bytes_bucket");
        assertThat(req).hasSize(MetricNames.BYTE_BUCKETS.length + 1);
        assertThat(req.stream().map(Exposition.Sample::value)).containsExactly(0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0);
        assertThat(resp.stream().map(Exposition.Sample::value)).containsExactly(0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0);
        assertThat(Exposition.named(text, "istio_response_bytes_sum").get(0).value()).isEqualTo(5000);
        assertThat(req.get(0).labels()).containsEntry("connection_security_policy", "none");
    }

    @Test
    void sameLabelsShareOneCachedSeries() {
        metrics.record(outbound("reviews-v1", "v1", 200, "-", 300));
        int meters = metrics.registry().getMeters().size();
        for (int i = 0; i < 100; i++) {
            metrics.record(outbound("reviews-v1", "v1", 200, "-", 300));
        }
        assertThat(metrics.registry().getMeters()).hasSize(meters);
        assertThat(metrics.httpSeries()).isEqualTo(1);
        assertThat(Exposition.named(metrics.scrape(), "istio_requests_total").get(0).value()).isEqualTo(101);
    }

    @Test
    void labelValuesEscapeQuotesBackslashesAndNewlines() {
        RequestRecord r = RequestRecord.builder()
                .reporter("source")
                .proxy("p")
                .method("GET")
                .path("/")
                .protocol("http")
                .authority("a")
                .status(200)
                .sourceWorkload("we\"ird\\wl\nx-v1")
                .sourceNamespace("default")
                .destinationWorkload("unknown")
                .destinationNamespace("unknown")
                .destinationService("svc")
                .destinationVersion("unknown")
                .attempts(1)
                .durationMicros(10)
                .userAgent("-")
                .downstreamAddress("-")
                .build();
        metrics.record(r);
        String text = metrics.scrape();

        assertThat(text).contains("source_workload=\"we\\\"ird\\\\wl\\nx-v1\"");
        assertThat(Exposition.named(text, "istio_requests_total").get(0).labels())
                .containsEntry("source_workload", "we\"ird\\wl\nx-v1");
    }

    @Test
    void labelSetsBeyondTheCapFoldIntoOtherAndAreCounted() {
        IstioMetrics capped = new IstioMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new WorkloadLabels(),
                IstioMetrics.DEFAULT_CLUSTER, 3);
        for (int i = 0; i < 10; i++) {
            capped.record(outbound("reviews-v" + i, "v" + i, 200, "-", 300));
        }
        String text = capped.scrape();

        List<Exposition.Sample> series = Exposition.named(text, "istio_requests_total");
        assertThat(series).hasSize(4);
        assertThat(series.stream().mapToDouble(Exposition.Sample::value).sum()).isEqualTo(10);
        assertThat(series).filteredOn(s -> "other".equals(s.labels().get("destination_workload")))
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.value()).isEqualTo(7);
                    assertThat(s.labels()).containsEntry("reporter", "source").containsEntry("response_code", "200");
                });
        assertThat(Exposition.named(text, "loopmesh_metrics_series_overflow_total").get(0).value()).isEqualTo(7);
    }

    @Test
    void tcpFamilyCountsConnectionsAndBytes() {
        TcpLabels l = new TcpLabels("destination", "productpage-v1", "default", Records.PRODUCTPAGE_SA, "mongodb-v1",
                "default", "", "v1", "mongodb.default.svc.cluster.local", "-", true);
        TcpConnection c = metrics.tcpOpened(l);
        c.received(100);
        c.sent(2048);
        c.closed();
        c.closed();
        metrics.tcpOpened(l).received(1);
        String text = metrics.scrape();

        assertThat(Exposition.named(text, "istio_tcp_connections_opened_total").get(0).value()).isEqualTo(2);
        assertThat(Exposition.named(text, "istio_tcp_connections_closed_total").get(0).value()).isEqualTo(1);
        assertThat(Exposition.named(text, "istio_tcp_received_bytes_total").get(0).value()).isEqualTo(101);
        Exposition.Sample sent = Exposition.named(text, "istio_tcp_sent_bytes_total").get(0);
        assertThat(sent.value()).isEqualTo(2048);
        assertThat(sent.labels().keySet()).containsExactlyInAnyOrderElementsOf(MetricNames.TCP_LABELS);
        assertThat(sent.labels()).containsEntry("request_protocol", "tcp")
                .containsEntry("connection_security_policy", "mutual_tls")
                .containsEntry("destination_service_name", "mongodb")
                .containsEntry("destination_principal", "unknown");
    }

    @Test
    void proxyCountersExplainFailures() {
        ProxyCounters p = metrics.proxyCounters();
        String cluster = "outbound|9080|v1|reviews.default.svc.cluster.local";
        p.pendingOverflow("productpage-v1-0", cluster);
        p.pendingOverflow("productpage-v1-0", cluster);
        p.retry("productpage-v1-0", cluster);
        p.ejection("productpage-v1-0", cluster);
        p.ejection("productpage-v1-0", cluster);
        p.unejection("productpage-v1-0", cluster);
        p.rateLimited("reviews-v1-0");
        String text = metrics.scrape();

        Map<String, String> l = labels("proxy", "productpage-v1-0", "cluster_name", cluster);
        assertThat(value(text, "envoy_cluster_upstream_rq_pending_overflow_total", l)).isEqualTo(2);
        assertThat(value(text, "envoy_cluster_upstream_rq_retry_total", l)).isEqualTo(1);
        assertThat(value(text, "envoy_cluster_upstream_rq_timeout_total", l)).isEqualTo(0);
        assertThat(value(text, "envoy_cluster_outlier_detection_ejections_total", l)).isEqualTo(2);
        assertThat(value(text, "envoy_cluster_outlier_detection_ejections_active", l)).isEqualTo(1);
        assertThat(value(text, "envoy_http_local_rate_limit_rate_limited_total", labels("proxy", "reviews-v1-0"))).isEqualTo(1);
        assertThat(p.activeEjections("productpage-v1-0", cluster)).isEqualTo(1);
    }

    private static double value(String text, String name, Map<String, String> labels) {
        return Exposition.named(text, name).stream().filter(s -> new TreeMap<>(s.labels()).equals(labels))
                .findFirst().orElseThrow(() -> new AssertionError(name + labels + " not in\n" + text)).value();
    }
}
