package dev.loopmesh.policy.routing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class LoadBalancerTest {
    static final List<Endpoint> EPS = List.of(ep("a", "127.1.0.1"), ep("b", "127.1.0.2"), ep("c", "127.1.0.3"));

    static Endpoint ep(String name, String address) {
        return new Endpoint(name, "w", address, 15006, Map.of(), true, "default", "default");
    }

    static RequestView req(String... headers) {
        Map<String, List<String>> h = new HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], List.of(headers[i + 1]));
        }
        return new RequestView("GET", "http", "reviews", "/?user=u1", 9080, h, "10.0.0.7");
    }

    @Test
    void roundRobinVisitsEveryEndpointInTurn() {
        // Envoy round robin: "each available upstream host is selected in round robin order"
        LoadBalancer lb = LoadBalancer.of(new LbPolicy(LbPolicy.Kind.ROUND_ROBIN, null, null));
        List<String> picked = new ArrayList<>();
        for (long s = 0; s < 6; s++) {
            picked.add(lb.pick(EPS, new LoadBalancer.Context(req(), new SplittableRandom(1), null, s)).pod());
        }
        assertThat(picked).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void leastRequestPrefersTheLessLoadedOfTwoRandomChoices() {
        // Envoy least request: "P2C: pick two random hosts and choose the one with fewer active requests"
        LoadBalancer lb = LoadBalancer.of(LbPolicy.DEFAULT);
        SplittableRandom random = new SplittableRandom(3);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            Endpoint e = lb.pick(EPS, new LoadBalancer.Context(req(), random, x -> x.pod().equals("a") ? 100 : 0, i));
            counts.merge(e.pod(), 1, Integer::sum);
        }
        // a is picked only when both choices land on it: about 1/9 of the time
        assertThat(counts.getOrDefault("a", 0)).isLessThan(60);
        assertThat(counts.get("b") + counts.get("c")).isGreaterThan(240);
    }

    @Test
    void randomSpreadsOverAllEndpoints() {
        LoadBalancer lb = LoadBalancer.of(new LbPolicy(LbPolicy.Kind.RANDOM, null, null));
        Set<String> seen = new HashSet<>();
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 50; i++) {
            seen.add(lb.pick(EPS, new LoadBalancer.Context(req(), random, null, i)).pod());
        }
        assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void consistentHashKeepsAKeyOnOneEndpointWhileEndpointsAreUnchanged() {
        // Istio consistentHash: "soft session affinity based on HTTP headers, cookies or other properties"
        LoadBalancer lb = LoadBalancer.of(new LbPolicy(LbPolicy.Kind.CONSISTENT_HASH, LbPolicy.HashOn.HEADER, "x-user"));
        SplittableRandom random = new SplittableRandom(9);
        Set<String> forJason = new HashSet<>();
        Set<String> overUsers = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            forJason.add(lb.pick(EPS, new LoadBalancer.Context(req("x-user", "jason"), random, null, i)).pod());
            overUsers.add(lb.pick(List.copyOf(EPS), new LoadBalancer.Context(req("x-user", "user" + i), random, null, i)).pod());
        }
        assertThat(forJason).hasSize(1);
        assertThat(overUsers).hasSizeGreaterThan(1);
        // a fresh balancer over the same endpoints agrees: the ring depends only on the endpoints
        LoadBalancer other = LoadBalancer.of(new LbPolicy(LbPolicy.Kind.CONSISTENT_HASH, LbPolicy.HashOn.HEADER, "x-user"));
        assertThat(other.pick(EPS, new LoadBalancer.Context(req("x-user", "jason"), random, null, 0)).pod()).isEqualTo(forJason.iterator().next());
    }

    @Test
    void consistentHashOnSourceIpCookieAndQueryParameter() {
        SplittableRandom random = new SplittableRandom(1);
        for (LbPolicy p : List.of(new LbPolicy(LbPolicy.Kind.CONSISTENT_HASH, LbPolicy.HashOn.SOURCE_IP, null),
                new LbPolicy(LbPolicy.Kind.CONSISTENT_HASH, LbPolicy.HashOn.COOKIE, "session"),
                new LbPolicy(LbPolicy.Kind.CONSISTENT_HASH, LbPolicy.HashOn.QUERY_PARAMETER, "user"))) {
            LoadBalancer lb = LoadBalancer.of(p);
            Set<String> picked = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                picked.add(lb.pick(EPS, new LoadBalancer.Context(req("cookie", "a=1; session=s42"), random, null, i)).pod());
            }
            assertThat(picked).as(p.hashOn().name()).hasSize(1);
        }
    }
}
