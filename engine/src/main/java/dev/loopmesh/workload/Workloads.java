package dev.loopmesh.workload;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.internal.EventLoops;
import dev.loopmesh.internal.TimeScale;
import dev.loopmesh.telemetry.tracing.Tracer;
import dev.loopmesh.topology.BehaviorSpec;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.WorkloadSpec;
import dev.loopmesh.workload.client.HttpClientPool;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/**
 * The emulated apps of a mesh, one {@link WorkloadServer} per pod (external workloads are real
 * processes and get none). Close to stop them all.
 */
public final class Workloads implements AutoCloseable {
    private final Map<String, WorkloadServer> servers;
    private final HttpClientPool client;

    private Workloads(Map<String, WorkloadServer> servers, HttpClientPool client) {
        this.servers = Collections.unmodifiableMap(servers);
        this.client = client;
    }

    /**
     * Starts every emulated pod of {@code registry}; completes when all listen, or fails (after stopping
     * the ones that started) naming the first pod that could not.
     *
     * @param random the seed source: each pod gets its own generator split from it, in registry order
     */
    public static CompletableFuture<Workloads> start(Registry registry, EventLoops loops, TimeScale timeScale,
                                                     ServiceResolver resolver, RandomGenerator random) {
        return start(registry, loops, timeScale, resolver, random, null);
    }

    /** As {@link #start(Registry, EventLoops, TimeScale, ServiceResolver, RandomGenerator)}, the apps recording spans into {@code tracer}. */
    public static CompletableFuture<Workloads> start(Registry registry, EventLoops loops, TimeScale timeScale,
                                                     ServiceResolver resolver, RandomGenerator random, Tracer tracer) {
        requireNonNull(registry, "registry");
        requireNonNull(loops, "loops");
        requireNonNull(timeScale, "timeScale");
        requireNonNull(resolver, "resolver");
        requireNonNull(random, "random");
        HttpClientPool client = new HttpClientPool(loops);
        Map<String, WorkloadServer> servers = new LinkedHashMap<>();
        for (PodInfo pod : registry.pods()) {
            Optional<WorkloadSpec> spec = workload(registry.mesh(), pod);
            if (spec.isEmpty() || spec.get().external() != null) {
                continue;
            }
            BehaviorSpec behavior = spec.get().behavior();
            WorkloadRuntime rt = new WorkloadRuntime(pod, behavior, new PodOutbound(pod, registry.mesh(), resolver), client,
                    timeScale, new SplittableRandom(random.nextLong()), null, null, tracer);
            servers.put(pod.name(), new WorkloadServer(rt, loops));
        }
        Workloads workloads = new Workloads(servers, client);
        List<CompletableFuture<?>> starts = new ArrayList<>();
        for (WorkloadServer s : servers.values()) {
            starts.add(s.start());
        }
        return CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new))
                .handle((ok, failure) -> {
                    if (failure != null) {
                        workloads.close();
                        throw failure instanceof RuntimeException re ? re : new IllegalStateException(failure);
                    }
                    return workloads;
                });
    }

    static Optional<WorkloadSpec> workload(MeshSpec mesh, PodInfo pod) {
        return mesh.service(pod.service(), pod.namespace())
                .flatMap(s -> s.workloads().stream().filter(w -> w.version().equals(pod.version())).findFirst());
    }

    public Optional<WorkloadServer> pod(String name) {
        return Optional.ofNullable(servers.get(name));
    }

    public Collection<WorkloadServer> servers() {
        return servers.values();
    }

    /** The client connections the apps use for their downstream calls. */
    public HttpClientPool client() {
        return client;
    }

    public CompletableFuture<Void> stop() {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (WorkloadServer s : servers.values()) {
            stops.add(s.stop());
        }
        return CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).whenComplete((ok, e) -> client.close());
    }

    @Override
    public void close() {
        stop().join();
    }
}
