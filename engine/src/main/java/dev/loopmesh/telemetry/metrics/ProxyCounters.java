package dev.loopmesh.telemetry.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * The proxy's own counters that explain failures, named after Envoy's cluster and local-rate-limit
 * statistics and labelled {@code proxy} (the pod, since the whole mesh is one scrape target) and
 * {@code cluster_name} (Istio's cluster name, e.g. {@code outbound|9080|v2|reviews.default.svc.cluster.local}).
 * Counters carry Prometheus' {@code _total} suffix. All meters of a (proxy, cluster) pair are created on
 * its first event, so they show zeros like Envoy's. Safe to call from any event loop.
 */
public final class ProxyCounters {
    private static final String OTHER = "other";

    private final MeterRegistry registry;
    private final int maxSeries;
    private final ConcurrentHashMap<ClusterKey, ClusterMeters> clusters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> rateLimited = new ConcurrentHashMap<>();

    private record ClusterKey(String proxy, String cluster) {
    }

    private static final class ClusterMeters {
        final Counter pendingOverflow;
        final Counter connectionOverflow;
        final Counter retry;
        final Counter retryOverflow;
        final Counter timeout;
        final Counter ejections;
        final AtomicLong ejectedNow = new AtomicLong();

        ClusterMeters(MeterRegistry r, ClusterKey k) {
            pendingOverflow = counter(r, MetricNames.PENDING_OVERFLOW, "Requests that overflowed the connection pool (503 UO)", k);
            connectionOverflow = counter(r, MetricNames.CX_OVERFLOW, "Connections refused by maxConnections", k);
            retry = counter(r, MetricNames.RETRY, "Request retries", k);
            retryOverflow = counter(r, MetricNames.RETRY_OVERFLOW, "Retries not made because of the retry budget or maxRetries", k);
            timeout = counter(r, MetricNames.RQ_TIMEOUT, "Requests that timed out waiting for a response (504 UT)", k);
            ejections = counter(r, MetricNames.EJECTIONS_TOTAL, "Endpoints ejected by outlier detection", k);
            Gauge.builder(MetricNames.EJECTIONS_ACTIVE, ejectedNow, AtomicLong::doubleValue)
                    .description("Endpoints currently ejected by outlier detection")
                    .tag(MetricNames.PROXY, k.proxy()).tag(MetricNames.CLUSTER_NAME, k.cluster()).register(r);
        }

        private static Counter counter(MeterRegistry r, String name, String help, ClusterKey k) {
            return Counter.builder(name).description(help)
                    .tag(MetricNames.PROXY, k.proxy()).tag(MetricNames.CLUSTER_NAME, k.cluster()).register(r);
        }
    }

    ProxyCounters(MeterRegistry registry, int maxSeries) {
        this.registry = requireNonNull(registry, "registry");
        this.maxSeries = maxSeries;
    }

    /** A request found the pending queue full (Envoy {@code upstream_rq_pending_overflow}; 503 UO). */
    public void pendingOverflow(String proxy, String cluster) {
        meters(proxy, cluster).pendingOverflow.increment();
    }

    /** A new connection was refused by {@code maxConnections} (Envoy {@code upstream_cx_overflow}). */
    public void connectionOverflow(String proxy, String cluster) {
        meters(proxy, cluster).connectionOverflow.increment();
    }

    /** A retry attempt was made (Envoy {@code upstream_rq_retry}). */
    public void retry(String proxy, String cluster) {
        meters(proxy, cluster).retry.increment();
    }

    /** A retry was wanted but not allowed by the retry budget or circuit breaker (Envoy {@code upstream_rq_retry_overflow}). */
    public void retryOverflow(String proxy, String cluster) {
        meters(proxy, cluster).retryOverflow.increment();
    }

    /** A request timed out (Envoy {@code upstream_rq_timeout}; 504 UT). */
    public void timeout(String proxy, String cluster) {
        meters(proxy, cluster).timeout.increment();
    }

    /** Outlier detection ejected an endpoint: counts the ejection and raises the active gauge. */
    public void ejection(String proxy, String cluster) {
        ClusterMeters m = meters(proxy, cluster);
        m.ejections.increment();
        m.ejectedNow.incrementAndGet();
    }

    /** An ejected endpoint came back: lowers the active gauge (never below zero). */
    public void unejection(String proxy, String cluster) {
        meters(proxy, cluster).ejectedNow.updateAndGet(n -> n > 0 ? n - 1 : 0);
    }

    /** The local rate limiter rejected a request (Envoy {@code http_local_rate_limit.rate_limited}; 429 RL). */
    public void rateLimited(String proxy) {
        String p = requireNonNull(proxy, "proxy");
        Counter c = rateLimited.get(p);
        if (c == null) {
            if (rateLimited.size() >= maxSeries) {
                p = OTHER;
            }
            c = rateLimited.computeIfAbsent(p, x -> Counter.builder(MetricNames.RATE_LIMITED)
                    .description("Requests rejected by the local rate limiter").tag(MetricNames.PROXY, x).register(registry));
        }
        c.increment();
    }

    /** Endpoints currently ejected for one proxy's cluster. */
    public long activeEjections(String proxy, String cluster) {
        ClusterMeters m = clusters.get(new ClusterKey(proxy, cluster));
        return m == null ? 0 : m.ejectedNow.get();
    }

    private ClusterMeters meters(String proxy, String cluster) {
        ClusterKey k = new ClusterKey(requireNonNull(proxy, "proxy"), requireNonNull(cluster, "cluster"));
        ClusterMeters m = clusters.get(k);
        if (m == null) {
            if (clusters.size() >= maxSeries) {
                k = new ClusterKey(OTHER, OTHER);
            }
            m = clusters.computeIfAbsent(k, key -> new ClusterMeters(registry, key));
        }
        return m;
    }
}
