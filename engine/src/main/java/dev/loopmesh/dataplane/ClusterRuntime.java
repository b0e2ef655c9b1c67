package dev.loopmesh.dataplane;

import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.policy.routing.LbPolicy;

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
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger pendingRequests = new AtomicInteger();
    final AtomicInteger activeRequests = new AtomicInteger();
    final AtomicInteger activeRetries = new AtomicInteger();
    private final Map<String, AtomicInteger> endpointActive = new ConcurrentHashMap<>();
    private final AtomicInteger roundRobin = new AtomicInteger();

    ClusterRuntime(ClusterConfig config) {
        this.config = config;
    }

    ClusterConfig config() {
        return config;
    }

    void update(ClusterConfig c) {
        this.config = c;
    }

    AtomicInteger active(Endpoint e) {
        return endpointActive.computeIfAbsent(e.hostPort(), k -> new AtomicInteger());
    }

    /**
     * Picks an endpoint, or null when none is left.
     *
     * @param exclude host:port of endpoints to avoid when others remain (retryIgnorePreviousHosts)
     * @param hash    the consistent-hash key of the request, or null
     */
    Endpoint pick(RandomGenerator random, List<String> exclude, String hash) {
        List<Endpoint> all = config.endpoints();
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
        int n = candidates.size();
        if (n == 0) {
            return null;
        }
        if (n == 1) {
            return candidates.get(0);
        }
        LbPolicy lb = config.lb();
        switch (lb.kind()) {
            case ROUND_ROBIN:
                return candidates.get(Math.floorMod(roundRobin.getAndIncrement(), n));
            case RANDOM:
            case PASSTHROUGH:
                return candidates.get(random.nextInt(n));
            case CONSISTENT_HASH:
                return candidates.get(Math.floorMod(hash == null ? random.nextInt() : mix(hash.hashCode()), n));
            case LEAST_REQUEST:
            default:
                // Envoy's least request with two random choices
                Endpoint a = candidates.get(random.nextInt(n));
                Endpoint b = candidates.get(random.nextInt(n));
                return active(b).get() < active(a).get() ? b : a;
        }
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }
}
