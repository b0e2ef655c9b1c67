package dev.loopmesh.workload;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.RegistryPlanner;
import dev.loopmesh.internal.EventLoops;
import dev.loopmesh.internal.TimeScale;
import dev.loopmesh.topology.BehaviorSpec;
import dev.loopmesh.topology.CallSpec;
import dev.loopmesh.topology.ExternalSpec;
import dev.loopmesh.topology.LatencySpec;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.Protocol;
import dev.loopmesh.topology.ServiceSpec;
import dev.loopmesh.topology.WorkloadSpec;
import dev.loopmesh.workload.client.ClientRequest;
import dev.loopmesh.workload.client.ClientResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WorkloadsTest {
    private final EventLoops loops = new EventLoops(2);
    private Workloads workloads;

    @AfterEach
    void tearDown() {
        if (workloads != null) {
            workloads.close();
        }
        loops.close();
    }

    private static WorkloadSpec workload(String service, String version, BehaviorSpec behavior) {
        return new WorkloadSpec(service, "default", version, 1, null, null, false, behavior, null, null);
    }

    private static BehaviorSpec calling(CallSpec... calls) {
        return new BehaviorSpec(LatencySpec.ZERO, 0, 500, 0, Map.of(), List.of(calls), true, false, 500);
    }

    private static CallSpec call(String service) {
        return new CallSpec(service, null, "/" + service + "/0", null, null, Duration.ofSeconds(5), 1, List.of("end-user"), null);
    }

    /** Sidecar-less Bookinfo in miniature, with an external workload that gets no emulated server. */
    private static MeshSpec mesh() {
        return new MeshSpec("mini", "default", List.of(
                new ServiceSpec("productpage", "default", 9080, Protocol.HTTP,
                        List.of(workload("productpage", "v1", calling(call("details"), call("reviews")))), null),
                new ServiceSpec("reviews", "default", 9080, Protocol.HTTP,
                        List.of(workload("reviews", "v2", calling(call("ratings")))), null),
                new ServiceSpec("ratings", "default", 9080, Protocol.HTTP, List.of(workload("ratings", "v1", null)), null),
                new ServiceSpec("details", "default", 9080, Protocol.HTTP, List.of(workload("details", "v1", null)), null),
                new ServiceSpec("legacy", "default", 9080, Protocol.HTTP, List.of(new WorkloadSpec("legacy", "default", "v1", 1,
                        null, null, false, null, new ExternalSpec("127.0.0.1", 1), null)), null)),
                null, null, null);
    }

    private static ServiceResolver resolverOf(Registry registry) {
        return (service, namespace) -> registry.podsOf(service, namespace).stream().findFirst()
                .map(p -> new InetSocketAddress(p.appHost(), p.appPort())).orElse(null);
    }

    @Test
    void startsOneServerPerEmulatedPodAndTheyCallEachOther() {
        Registry registry = RegistryPlanner.sharedLoopback(mesh());
        workloads = Workloads.start(registry, loops, TimeScale.REAL, resolverOf(registry), new SplittableRandom(1)).join();

        assertThat(workloads.servers()).extracting(s -> s.pod().name())
                .containsExactly("productpage-v1-0", "reviews-v2-0", "ratings-v1-0", "details-v1-0");
        PodInfo productpage = registry.pod("productpage-v1-0").orElseThrow();
        CompletableFuture<ClientResponse> answer = new CompletableFuture<>();
        workloads.client().send(loops.group().next(), new InetSocketAddress(productpage.appHost(), productpage.appPort()),
                ClientRequest.get("/productpage", "productpage:9080"), 0).addListener(f -> answer.complete((ClientResponse) f.getNow()));

        CallTree tree = CallTreeJson.parse(answer.orTimeout(20, TimeUnit.SECONDS).join().body());
        assertThat(tree.calls()).extracting(CallTree::service).containsExactly("details", "reviews");
        assertThat(tree.calls().get(1).version()).isEqualTo("v2");
        assertThat(tree.calls().get(1).calls()).singleElement().extracting(CallTree::pod).isEqualTo("ratings-v1-0");
    }

    @Test
    void aPausedPodAnswersOnlyAfterItResumesAndAStoppedOneRefuses() {
        Registry registry = RegistryPlanner.sharedLoopback(mesh());
        workloads = Workloads.start(registry, loops, TimeScale.REAL, resolverOf(registry), new SplittableRandom(1)).join();
        WorkloadServer ratings = workloads.pod("ratings-v1-0").orElseThrow();
        PodInfo pod = ratings.pod();
        InetSocketAddress address = new InetSocketAddress(pod.appHost(), pod.appPort());

        ratings.pause();
        CompletableFuture<Integer> status = new CompletableFuture<>();
        workloads.client().send(loops.group().next(), address, ClientRequest.get("/ratings/0", "ratings:9080"), 0)
                .addListener(f -> status.complete(f.isSuccess() ? ((ClientResponse) f.getNow()).status() : -1));
        assertThat(ratings.isPaused()).isTrue();
        assertThat(ratings.served()).isZero();
        ratings.resume();

        assertThat(status.orTimeout(20, TimeUnit.SECONDS).join()).isEqualTo(200);

        ratings.stop().join();
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        workloads.client().send(loops.group().next(), address, ClientRequest.get("/ratings/0", "ratings:9080"), 0)
                .addListener(f -> refused.complete(f.cause()));
        await().atMost(Duration.ofSeconds(20)).until(refused::isDone);
        assertThat(refused.join()).isNotNull();

        ratings.start().join(); // a restarted pod listens again on its address
        assertThat(ratings.isRunning()).isTrue();
    }
}
