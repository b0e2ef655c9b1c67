package dev.loopmesh.policy.resilience.outlier;

import dev.loopmesh.internal.TimeScale;
import dev.loopmesh.policy.resilience.OutlierSettings;
import dev.loopmesh.policy.routing.Endpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Envoy's outlier detector for one cluster of one proxy, configured by a DestinationRule's
 * {@code outlierDetection} as Istio translates it (success-rate detection off; a threshold of 0 turns its
 * detection type off; {@code consecutiveLocalOriginFailures} counts only with
 * {@code splitExternalLocalOriginErrors}).
 *
 * <p>Consecutive-error ejection runs inline, when the report that reaches the threshold arrives, and is
 * refused while the ejected share is already at {@code maxEjectionPercent} or more (so one endpoint can
 * always be ejected). Returns happen at interval sweeps: an endpoint comes back at the first sweep once
 * {@code min(baseEjectionTime × multiplier, maxEjectionTime)} has passed since it was ejected. The
 * multiplier goes up by one at each ejection and down by one at each sweep that finds the endpoint
 * healthy. Sweeps are ticks at {@code start + k × interval}: {@link #sweep} runs every tick that is due,
 * and so does every other call that takes {@code now}, so late timers never change the outcome.
 *
 * <p>Time is the injected clock's nanoseconds; configured durations are stretched by the {@link TimeScale}.
 * Thread-safe: mutations take one lock; {@link #healthy} and {@link #isEjected} read a published set
 * without locking unless a sweep is due.
 */
public final class OutlierDetector {
    /** Envoy's {@code max_ejection_time} default; Istio does not set it. */
    static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofSeconds(300);
    private static final int MAX_CATCH_UP_TICKS = 10_000;

    private final String cluster;
    private final OutlierSettings settings;
    private final TimeScale scale;
    private final OutlierListener listener;
    private final long intervalNanos;
    private final long baseNanos;
    private final long maxNanos;
    private final Duration base;
    private final Duration max;

    private final Object lock = new Object();
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private int ejectedCount;
    private long overflows;
    private volatile long nextSweepNanos;
    private volatile Set<String> ejected = Set.of();

    private static final class Host {
        Endpoint endpoint;
        int consecutive5xx;
        int consecutiveGateway;
        int consecutiveLocalOrigin;
        boolean ejected;
        long ejectedAt = -1;
        int multiplier;
        int timesEjected;
        OutlierEvent.Reason reason;

        Host(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        void resetCounters() {
            consecutive5xx = 0;
            consecutiveGateway = 0;
            consecutiveLocalOrigin = 0;
        }
    }

    /**
     * @param endpoints  the cluster's endpoints now; keep them current with {@link #setEndpoints}
     * @param startNanos the clock's time now: the first sweep is one interval later
     */
    public OutlierDetector(String cluster, OutlierSettings settings, List<Endpoint> endpoints, TimeScale scale,
                           OutlierListener listener, long startNanos) {
        this.cluster = requireNonNull(cluster, "cluster");
        this.settings = requireNonNull(settings, "settings");
        this.scale = requireNonNull(scale, "scale");
        this.listener = listener == null ? OutlierListener.NONE : listener;
        Duration interval = positiveOr(settings.interval(), OutlierSettings.ISTIO_DEFAULT.interval());
        this.base = positiveOr(settings.baseEjectionTime(), OutlierSettings.ISTIO_DEFAULT.baseEjectionTime());
        // Envoy: max_ejection_time defaults to 300s, or to base_ejection_time when that is larger
        this.max = base.compareTo(DEFAULT_MAX_EJECTION_TIME) > 0 ? base : DEFAULT_MAX_EJECTION_TIME;
        this.intervalNanos = Math.max(1, scale.scaleNanos(interval));
        this.baseNanos = scale.scaleNanos(base);
        this.maxNanos = scale.scaleNanos(max);
        this.nextSweepNanos = startNanos + intervalNanos;
        setEndpoints(endpoints);
    }

    private static Duration positiveOr(Duration d, Duration fallback) {
        return d == null || d.isNegative() || d.isZero() ? fallback : d;
    }

    public String cluster() {
        return cluster;
    }

    public OutlierSettings settings() {
        return settings;
    }

    /** The real (scaled) time between sweeps. */
    public long intervalNanos() {
        return intervalNanos;
    }

    /** How long until the next sweep is due (0 when it is due now): when to schedule the next {@link #sweep}. */
    public long nanosUntilNextSweep(long now) {
        return Math.max(0, nextSweepNanos - now);
    }

    /**
     * Sets the cluster's membership (an endpoint push). Endpoints that stay keep their state; endpoints that
     * leave are forgotten, ejected or not (Envoy drops their monitors); new ones start healthy.
     */
    public void setEndpoints(Collection<Endpoint> endpoints) {
        requireNonNull(endpoints, "endpoints");
        synchronized (lock) {
            Map<String, Endpoint> next = new LinkedHashMap<>();
            for (Endpoint e : endpoints) {
                next.put(e.hostPort(), e);
            }
            hosts.keySet().removeIf(k -> !next.containsKey(k));
            next.forEach((k, e) -> {
                Host h = hosts.get(k);
                if (h == null) {
                    hosts.put(k, new Host(e));
                } else {
                    h.endpoint = e;
                }
            });
            ejectedCount = (int) hosts.values().stream().filter(h -> h.ejected).count();
            publish();
        }
    }

    /** Reports one attempt's outcome for an endpoint; see {@link #report(String, int, boolean, long)}. */
    public void report(Endpoint endpoint, int status, boolean localOrigin, long now) {
        report(endpoint.hostPort(), status, localOrigin, now);
    }

    /**
     * Reports one attempt's outcome.
     *
     * @param endpointKey the endpoint's {@code host:port}; reports for endpoints no longer in the cluster are ignored
     * @param status      the response's HTTP status; for a local-origin failure, the status Envoy maps it to:
     *                    503 for a connect failure or a reset, 504 for a timeout
     * @param localOrigin the proxy itself failed to reach the endpoint (connect failure, timeout, reset)
     */
    public void report(String endpointKey, int status, boolean localOrigin, long now) {
        synchronized (lock) {
            advance(now);
            Host h = hosts.get(endpointKey);
            if (h == null) {
                return;
            }
            if (settings.splitExternalLocalOriginErrors()) {
                if (localOrigin) {
                    // split mode: local-origin failures have their own counter and leave the 5xx counters alone
                    h.consecutiveLocalOrigin++;
                    if (h.consecutiveLocalOrigin == settings.consecutiveLocalOriginFailures()) {
                        detected(h, OutlierEvent.Reason.CONSECUTIVE_LOCAL_ORIGIN_FAILURE, now);
                    }
                    return;
                }
                // an answer means the connection worked
                h.consecutiveLocalOrigin = 0;
            }
            httpStatus(h, status, now);
        }
    }

    /** Envoy's putHttpResponseCode: gateway errors are a subset of 5xx; anything below 500 resets both counters. */
    private void httpStatus(Host h, int status, long now) {
        if (status < 500 || status > 599) {
            h.consecutive5xx = 0;
            h.consecutiveGateway = 0;
            return;
        }
        if (status == 502 || status == 503 || status == 504) {
            h.consecutiveGateway++;
            if (h.consecutiveGateway == settings.consecutiveGatewayErrors()) {
                detected(h, OutlierEvent.Reason.CONSECUTIVE_GATEWAY_FAILURE, now);
            }
        } else {
            h.consecutiveGateway = 0;
        }
        h.consecutive5xx++;
        if (h.consecutive5xx == settings.consecutive5xxErrors()) {
            detected(h, OutlierEvent.Reason.CONSECUTIVE_5XX, now);
        }
    }

    private void detected(Host h, OutlierEvent.Reason reason, long now) {
        if (h.ejected) {
            // Envoy ignores a detection for an ejected host and leaves its counter as it is
            return;
        }
        eject(h, reason, now);
        switch (reason) {
            case CONSECUTIVE_5XX:
                h.consecutive5xx = 0;
                break;
            case CONSECUTIVE_GATEWAY_FAILURE:
                h.consecutiveGateway = 0;
                break;
            default:
                h.consecutiveLocalOrigin = 0;
                break;
        }
    }

    private void eject(Host h, OutlierEvent.Reason reason, long now) {
        int maxPercent = Math.min(100, Math.max(0, settings.maxEjectionPercent()));
        double ejectedPercent = 100.0 * ejectedCount / hosts.size();
        if (!(ejectedPercent < maxPercent)) {
            overflows++;
            return;
        }
        h.ejected = true;
        h.ejectedAt = now;
        h.timesEjected++;
        h.reason = reason;
        if ((long) h.multiplier * baseNanos < maxNanos + baseNanos) {
            h.multiplier++;
        }
        ejectedCount++;
        publish();
        emit(new OutlierEvent(cluster, key(h), h.endpoint.pod(), OutlierEvent.Type.EJECTED, reason, h.timesEjected,
                ejectionTime(h), now));
    }

    private Duration ejectionTime(Host h) {
        Duration d = base.multipliedBy(h.multiplier);
        return d.compareTo(max) > 0 ? max : d;
    }

    private long ejectionNanos(Host h) {
        long d = baseNanos * h.multiplier;
        return d < 0 || d > maxNanos ? maxNanos : d;
    }

    /** Runs every interval sweep due by {@code now}. */
    public void sweep(long now) {
        synchronized (lock) {
            advance(now);
        }
    }

    private void advance(long now) {
        int ticks = 0;
        while (now - nextSweepNanos >= 0) {
            if (++ticks > MAX_CATCH_UP_TICKS) {
                // a clock jump: one sweep now, then back on the cadence
                sweepAt(now);
                nextSweepNanos = now + intervalNanos;
                return;
            }
            sweepAt(nextSweepNanos);
            nextSweepNanos += intervalNanos;
        }
    }

    private void sweepAt(long t) {
        for (Host h : hosts.values()) {
            if (!h.ejected) {
                if (h.multiplier > 0) {
                    h.multiplier--;
                }
                continue;
            }
            if (t - h.ejectedAt >= ejectionNanos(h)) {
                h.ejected = false;
                h.ejectedAt = -1;
                ejectedCount--;
                // Envoy resets the counters so a few new errors do not eject it again at once
                h.resetCounters();
                publish();
                emit(new OutlierEvent(cluster, key(h), h.endpoint.pod(), OutlierEvent.Type.RETURNED, h.reason,
                        h.timesEjected, Duration.ZERO, t));
            }
        }
    }

    private void publish() {
        Set<String> s = new HashSet<>();
        hosts.forEach((k, h) -> {
            if (h.ejected) {
                s.add(k);
            }
        });
        ejected = Set.copyOf(s);
    }

    private void emit(OutlierEvent e) {
        try {
            listener.on(e);
        } catch (RuntimeException ignored) {
            // a listener cannot break the detector
        }
    }

    private static String key(Host h) {
        return h.endpoint.hostPort();
    }

    private void maybeAdvance(long now) {
        if (now - nextSweepNanos >= 0) {
            synchronized (lock) {
                advance(now);
            }
        }
    }

    public boolean isEjected(String endpointKey, long now) {
        maybeAdvance(now);
        return ejected.contains(endpointKey);
    }

    public boolean isEjected(Endpoint endpoint, long now) {
        return isEjected(endpoint.hostPort(), now);
    }

    /**
     * The endpoints to balance over: {@code all} without the ejected ones, or all of them when the healthy
     * share is below {@code minHealthPercent} (Envoy's panic threshold, which Istio sets from it; 0 turns
     * panic off, so with every endpoint ejected the list is empty: 503 UH). Pass the cluster's whole
     * endpoint list, before any retry exclusion, so the share is the cluster's.
     */
    public HealthyHosts select(List<Endpoint> all, long now) {
        maybeAdvance(now);
        Set<String> out = ejected;
        if (out.isEmpty() || all.isEmpty()) {
            return new HealthyHosts(all, false, 0);
        }
        List<Endpoint> healthy = new ArrayList<>(all.size());
        for (Endpoint e : all) {
            if (!out.contains(e.hostPort())) {
                healthy.add(e);
            }
        }
        int ejectedHere = all.size() - healthy.size();
        if (ejectedHere == 0) {
            return new HealthyHosts(all, false, 0);
        }
        double healthyPercent = 100.0 * healthy.size() / all.size();
        if (healthyPercent < settings.minHealthPercent()) {
            return new HealthyHosts(all, true, ejectedHere);
        }
        return new HealthyHosts(healthy, false, ejectedHere);
    }

    /** {@link #select}'s hosts. */
    public List<Endpoint> healthy(List<Endpoint> all, long now) {
        return select(all, now).hosts();
    }

    /** Consecutive-error detections not enforced because {@code maxEjectionPercent} was reached (Envoy's ejections_overflow). */
    public long overflows() {
        synchronized (lock) {
            return overflows;
        }
    }

    public int ejectedCount() {
        return ejected.size();
    }

    public List<HostOutlierState> hosts() {
        synchronized (lock) {
            List<HostOutlierState> out = new ArrayList<>(hosts.size());
            hosts.forEach((k, h) -> out.add(new HostOutlierState(k, h.endpoint.pod(), h.ejected, h.timesEjected,
                    h.multiplier, h.consecutive5xx, h.consecutiveGateway, h.consecutiveLocalOrigin, h.ejectedAt)));
            return out;
        }
    }
}
