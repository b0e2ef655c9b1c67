package dev.loopmesh.app.common.standin;

import dev.loopmesh.topology.BehaviorSpec;
import dev.loopmesh.topology.CallSpec;
import dev.loopmesh.topology.IngressSpec;
import dev.loopmesh.topology.LatencySpec;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.Protocol;
import dev.loopmesh.topology.ServiceSpec;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TrafficClientSpec;
import dev.loopmesh.topology.WorkloadSpec;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Istio's Bookinfo, built in code until the topology loader reads {@code topologies/bookinfo.yaml}. */
public final class BookinfoTopology {
    private static final String NS = "default";

    private BookinfoTopology() {
    }

    public static Topology create() {
        CallSpec details = call("details", "/details/0", Duration.ofSeconds(3), 1, List.of());
        CallSpec reviews = call("reviews", "/reviews/0", Duration.ofSeconds(3), 2, List.of("end-user"));
        CallSpec ratings10 = call("ratings", "/ratings/0", Duration.ofSeconds(10), 1, List.of());
        CallSpec ratings25 = call("ratings", "/ratings/0", Duration.ofMillis(2500), 1, List.of());
        MeshSpec mesh = new MeshSpec("bookinfo", NS, List.of(
                service("productpage", workload("productpage", "v1", behavior(15, 60, List.of(details, reviews)))),
                service("details", workload("details", "v1", behavior(3, 12, List.of()))),
                service("reviews",
                        workload("reviews", "v1", behavior(6, 25, List.of())),
                        workload("reviews", "v2", behavior(6, 25, List.of(ratings10))),
                        workload("reviews", "v3", behavior(6, 25, List.of(ratings25)))),
                service("ratings", workload("ratings", "v1", behavior(2, 10, List.of())))),
                new IngressSpec(List.of(new IngressSpec.Route("/", "productpage", NS, null))),
                List.of(new TrafficClientSpec("browsers", "ingress", "GET",
                        List.of(new TrafficClientSpec.Weighted("/productpage", 1)), 20,
                        Map.of("end-user", List.of(new TrafficClientSpec.Weighted("jason", 0.2), new TrafficClientSpec.Weighted("", 0.8))),
                        null)),
                null);
        return new Topology(mesh, List.of(), List.of(), List.of());
    }

    private static CallSpec call(String service, String path, Duration timeout, int attempts, List<String> propagate) {
        return new CallSpec(service, NS, path, "GET", Map.of(), timeout, attempts, propagate, null);
    }

    private static BehaviorSpec behavior(long p50Millis, long p99Millis, List<CallSpec> calls) {
        return new BehaviorSpec(new LatencySpec.LogNormal(Duration.ofMillis(p50Millis), Duration.ofMillis(p99Millis)), 0, 500, 0,
                Map.of(), calls, false, false, 500);
    }

    private static WorkloadSpec workload(String service, String version, BehaviorSpec behavior) {
        return new WorkloadSpec(service, NS, version, 1, "bookinfo-" + service, Map.of(), true, behavior, null, null);
    }

    private static ServiceSpec service(String name, WorkloadSpec... workloads) {
        return new ServiceSpec(name, NS, 9080, Protocol.HTTP, List.of(workloads), null);
    }
}
