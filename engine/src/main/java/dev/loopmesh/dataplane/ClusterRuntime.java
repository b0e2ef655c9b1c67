package dev.loopmesh.dataplane;

import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.internal.TimeScale;
import dev.loopmesh.policy.resilience.RetryBudget;
import dev.loopmesh.policy.resilience.outlier.OutlierDetector;
import dev.loopmesh.policy.resilience.outlier.OutlierListener;
import dev.loopmesh.policy.routing.LoadBalancer;
import dev.loopmesh.policy.routing.RequestView;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * A proxy's live state for one cluster: its current config, per-endpoint active requests and the
 * circuit-breaker counters that connection limits are checked against. Survives config pushes
 * that keep the cluster (the counters carry over, as Envoy's do).
 */
final class ClusterRuntime {
    private volatile ClusterConfig config;
    private volatile LoadBalancer balancer;
    private volatile OutlierDetector outlier;
    private final TimeScale timeScale;
    private final OutlierListener listener;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger pendingRequests = new AtomicInteger();
    final AtomicInteger activeRequests = new AtomicInteger();
    final AtomicInteger activeRetries = new AtomicInteger();
    /** Requests waiting for a connection (Envoy's pending queue), oldest first, across loops. */
    final java.util.concurrent.ConcurrentLinkedDeque<UpstreamPool.Waiter> waiters = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final Map<String, AtomicInteger> endpointActive = new ConcurrentHashMap<>();
    private final AtomicInteger roundRobin = new AtomicInteger();

    ClusterRuntime(ClusterConfig config) {
        this(config, TimeScale.REAL, OutlierListener.NONE);
    }

    ClusterRuntime(ClusterConfig config, TimeScale timeScale, OutlierListener listener) {
        this.config = config;
        this.timeScale = timeScale;
        this.listener = listener;
        this.balancer = LoadBalancer.of(config.lb());
        this.outlier = detector(config);
    }

    private OutlierDetector detector(ClusterConfig c) {
        return c.outlier() == null ? null
                : new OutlierDetector(c.name(), c.outlier(), c.endpoints(), timeScale, listener, System.nanoTime());
    }

    ClusterConfig config() {
        return config;
    }

    void update(ClusterConfig c) {
        if (!c.lb().equals(config.lb())) {
            this.balancer = LoadBalancer.of(c.lb());
        }
        if (!java.util.Objects.equals(c.outlier(), config.outlier())) {
            // Envoy rebuilds the cluster's detector when its settings change
            this.outlier = detector(c);
        } else if (outlier != null && !c.endpoints().equals(config.endpoints())) {
            outlier.setEndpoints(c.endpoints());
        }
        this.config = c;
    }

    /** Feeds outlier detection with one attempt's outcome. */
    void report(Endpoint e, int status, boolean localOrigin) {
        OutlierDetector d = outlier;
        if (d != null && e != null) {
            d.report(e, status, localOrigin, System.nanoTime());
        }
    }

    /** Returns ejected endpoints whose time is up (Envoy's interval sweep). */
    void sweep(long now) {
        OutlierDetector d = outlier;
        if (d != null) {
            d.sweep(now);
        }
    }

    /**
     * Envoy's retries resource: takes one retry slot when the cluster's retry budget allows it or, with
     * no budget, while fewer than {@code maxRetries} are outstanding. A slot is held from the retry's
     * back-off until that retry's attempt ends ({@link #endRetry}).
     *
     * @return null when the retry may go, else why not (Envoy counts {@code upstream_rq_retry_overflow})
     */
    String tryStartRetry() {
        ClusterConfig c = config;
        RetryBudget budget = c.retryBudget();
        while (true) {
            int active = activeRetries.get();
            long max = budget != null ? budget.maxActiveRetries(Math.max(0, activeRequests.get()))
                    : c.connectionPool().maxRetries();
            if (active >= max) {
                return budget != null
                        ? "retry budget (" + trim(budget.percent()) + "% of " + Math.max(0, activeRequests.get())
                          + " active and pending, at least " + budget.minRetryConcurrency() + ") allows " + max + ", " + active + " active"
                        : "maxRetries " + max + " reached";
            }
            if (activeRetries.compareAndSet(active, active + 1)) {
                return null;
            }
        }
    }

    /** Gives back a slot taken by {@link #tryStartRetry}. */
    void endRetry() {
        activeRetries.decrementAndGet();
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    OutlierDetector outlierDetector() {
        return outlier;
    }

    AtomicInteger active(Endpoint e) {
        return endpointActive.computeIfAbsent(e.hostPort(), k -> new AtomicInteger());
    }

    /**
     * Picks an endpoint with the cluster's load balancer, or null when none is left.
     *
     * @param exclude host:port of endpoints to avoid when others remain (Istio's default retry host
     *                predicate, previous_hosts)
     */
    Endpoint pick(RandomGenerator random, List<String> exclude, RequestView request) {
        List<Endpoint> all = config.endpoints();
        OutlierDetector d = outlier;
        if (d != null) {
            all = d.select(all, System.nanoTime()).hosts();
        }
        List<Endpoint> candidates = all;
        if (!exclude.isEmpty() && all.size() > 1) {
            candidates = new ArrayList<>(all.size());
            for (Endpoint e : all) {
                if (!exclude.contains(e.hostPort())) {
                    candidates.add(e);
                }
            }
            if (candidates.isEmpty()) {
                candidates = all;
            }
        }
        return balancer.pick(candidates, new LoadBalancer.Context(request, random, e -> active(e).get(), roundRobin.getAndIncrement()));
    }

}
