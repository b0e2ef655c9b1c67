package dev.loopmesh.policy.routing;

import java.util.List;
import java.util.Objects;
import java.util.function.ToIntFunction;
import java.util.random.RandomGenerator;

/**
 * Picks one endpoint of a cluster, as Envoy's load balancers do. Pure: the data plane keeps the
 * per-endpoint active request counts and the round-robin sequence and passes them in; randomness is
 * injected. One instance per cluster (consistent hashing keeps its ring for an unchanged endpoint list).
 */
public abstract class LoadBalancer {

    /**
     * What a pick may look at.
     *
     * @param activeRequests the endpoint's requests in flight (for LEAST_REQUEST)
     * @param sequence       a per-cluster counter the caller increments per pick (for ROUND_ROBIN)
     */
    public record Context(RequestView request, RandomGenerator random, ToIntFunction<Endpoint> activeRequests, long sequence) {
        public Context {
            Objects.requireNonNull(random, "random");
            activeRequests = activeRequests == null ? e -> 0 : activeRequests;
        }
    }

    /** The endpoint to use, or null when there is none. */
    public abstract Endpoint pick(List<Endpoint> endpoints, Context ctx);

    public static LoadBalancer of(LbPolicy policy) {
        switch (policy.kind()) {
            case ROUND_ROBIN:
                return new RoundRobin();
            case RANDOM:
            case PASSTHROUGH:
                return new Random();
            case CONSISTENT_HASH:
                return new ConsistentHash(policy.hashOn(), policy.hashKey());
            default:
                return new LeastRequest();
        }
    }

    static final class RoundRobin extends LoadBalancer {
        @Override
        public Endpoint pick(List<Endpoint> endpoints, Context ctx) {
            return endpoints.isEmpty() ? null : endpoints.get((int) Math.floorMod(ctx.sequence(), (long) endpoints.size()));
        }
    }

    static final class Random extends LoadBalancer {
        @Override
        public Endpoint pick(List<Endpoint> endpoints, Context ctx) {
            return endpoints.isEmpty() ? null : endpoints.get(ctx.random().nextInt(endpoints.size()));
        }
    }

    /** Envoy's LEAST_REQUEST with equal weights: the power of two choices (choice_count 2). */
    static final class LeastRequest extends LoadBalancer {
        @Override
        public Endpoint pick(List<Endpoint> endpoints, Context ctx) {
            int n = endpoints.size();
            if (n <= 1) {
                return n == 0 ? null : endpoints.get(0);
            }
            Endpoint a = endpoints.get(ctx.random().nextInt(n));
            Endpoint b = endpoints.get(ctx.random().nextInt(n));
            return ctx.activeRequests().applyAsInt(b) < ctx.activeRequests().applyAsInt(a) ? b : a;
        }
    }

    /**
     * Envoy's ring hash over the request's header, cookie, source IP or query parameter. Without a hash
     * key in the request (header absent) Envoy picks at random. The ring is rebuilt only when the
     * endpoint list changes, so a key keeps its endpoint while the endpoints stay the same.
     */
    static final class ConsistentHash extends LoadBalancer {
        private final LbPolicy.HashOn on;
        private final String key;
        private volatile HashRing ring;

        ConsistentHash(LbPolicy.HashOn on, String key) {
            this.on = on;
            this.key = key;
        }

        @Override
        public Endpoint pick(List<Endpoint> endpoints, Context ctx) {
            if (endpoints.isEmpty()) {
                return null;
            }
            String value = hashKey(ctx.request());
            if (value == null) {
                return endpoints.get(ctx.random().nextInt(endpoints.size()));
            }
            HashRing r = ring;
            if (r == null || !r.endpoints().equals(endpoints)) {
                r = new HashRing(endpoints, 1024);
                ring = r;
            }
            return r.lookup(HashRing.hash(value));
        }

        private String hashKey(RequestView req) {
            if (req == null || on == null) {
                return null;
            }
            switch (on) {
                case HEADER:
                    return req.header(key);
                case SOURCE_IP:
                    return req.sourceIp();
                case QUERY_PARAMETER:
                    return queryParam(req.query(), key);
                default:
                    return cookie(req.header("cookie"), key);
            }
        }

        static String cookie(String header, String name) {
            if (header == null) {
                return null;
            }
            for (String part : header.split(";")) {
                String p = part.trim();
                int eq = p.indexOf('=');
                if (eq > 0 && p.substring(0, eq).equals(name)) {
                    return p.substring(eq + 1);
                }
            }
            return null;
        }

        static String queryParam(String query, String name) {
            for (String part : query.split("&")) {
                int eq = part.indexOf('=');
                String k = eq < 0 ? part : part.substring(0, eq);
                if (k.equals(name)) {
                    return eq < 0 ? "" : part.substring(eq + 1);
                }
            }
            return null;
        }
    }
}
