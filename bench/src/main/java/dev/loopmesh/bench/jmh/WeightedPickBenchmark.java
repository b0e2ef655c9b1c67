package dev.loopmesh.bench.jmh;

import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.policy.routing.LbPolicy;
import dev.loopmesh.policy.routing.LoadBalancer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The endpoint pick: Envoy's load balancers over a cluster's endpoints, with the per-endpoint active
 * request counts looked up the way {@code ClusterRuntime} does (a map keyed by {@code Endpoint.hostPort()}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WeightedPickBenchmark {
    @Param({"3", "100"})
    int endpoints;

    private List<Endpoint> list;
    private final SplittableRandom random = new SplittableRandom(7);
    private final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();
    private final Map<Endpoint, AtomicInteger> activeByEndpoint = new ConcurrentHashMap<>();
    private LoadBalancer leastRequest;
    private LoadBalancer roundRobin;
    private LoadBalancer randomLb;
    private long sequence;

    @Setup
    public void setUp() {
        list = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            list.add(new Endpoint("reviews-v" + i + "-0", "reviews-v" + i, "127.1.0." + (i + 1), 15006, Map.of("app", "reviews", "version", "v" + i),
                    true, "bookinfo-reviews", "default"));
        }
        leastRequest = LoadBalancer.of(new LbPolicy(LbPolicy.Kind.LEAST_REQUEST, null, null));
        roundRobin = LoadBalancer.of(new LbPolicy(LbPolicy.Kind.ROUND_ROBIN, null, null));
        randomLb = LoadBalancer.of(new LbPolicy(LbPolicy.Kind.RANDOM, null, null));
    }

    /** LEAST_REQUEST (Istio's default) with active counts keyed by host:port, as the data plane keeps them. */
    @Benchmark
    public Endpoint leastRequestHostPortKeys() {
        return leastRequest.pick(list, new LoadBalancer.Context(null, random,
                e -> active.computeIfAbsent(e.hostPort(), k -> new AtomicInteger()).get(), sequence++));
    }

    /** The same with the counts keyed by the Endpoint record itself: no string built per lookup. */
    @Benchmark
    public Endpoint leastRequestEndpointKeys() {
        return leastRequest.pick(list, new LoadBalancer.Context(null, random,
                e -> activeByEndpoint.computeIfAbsent(e, k -> new AtomicInteger()).get(), sequence++));
    }

    @Benchmark
    public Endpoint roundRobin() {
        return roundRobin.pick(list, new LoadBalancer.Context(null, random, null, sequence++));
    }

    @Benchmark
    public Endpoint random() {
        return randomLb.pick(list, new LoadBalancer.Context(null, random, null, sequence++));
    }

    /** {@code Endpoint.hostPort()}: a new string per call; the data plane calls it about six times per attempt. */
    @Benchmark
    public String endpointHostPort() {
        return list.get(0).hostPort();
    }
}
