package dev.loopmesh.workload;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.internal.EventLoops;
import dev.loopmesh.internal.TimeScale;
import dev.loopmesh.topology.BehaviorSpec;
import dev.loopmesh.topology.CallSpec;
import dev.loopmesh.topology.LatencySpec;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.Protocol;
import dev.loopmesh.topology.ServiceSpec;
import dev.loopmesh.topology.WorkloadSpec;
import dev.loopmesh.workload.client.HttpClientPool;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sidecar-less pods on loopback for tests: each pod gets its own 127.77.0.x address and an ephemeral
 * port; the resolver points callers straight at the callee's server.
 */
final class TestMesh implements AutoCloseable {
    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(1);

    final EventLoops loops = new EventLoops(2);
    final HttpClientPool client = new HttpClientPool(loops);
    final Map<String, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    final ServiceResolver resolver = (service, namespace) -> addresses.get(service);
    private final List<WorkloadServer> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static BehaviorSpec behavior(LatencySpec latency, List<CallSpec> calls) {
        return new BehaviorSpec(latency, 0, 500, 0, Map.of(), calls, false, false, 500);
    }

    static CallSpec call(String service, Duration timeout, int attempts, List<String> propagate) {
        return new CallSpec(service, null, "/" + service, "GET", Map.of(), timeout, attempts, propagate, null);
    }

    static PodInfo pod(String service, String version, Protocol protocol) {
        int n = NEXT_ADDRESS.getAndIncrement();
        String address = "127.77." + (n / 250) + "." + (n % 250 + 1);
        return new PodInfo(service + "-" + version + "-0", service + "-" + version, service, "default", version, address, address,
                0, 0, 0, 9080, Map.of("app", service, "version", version), false, "default", protocol);
    }

    /** A mesh spec naming the services, so authorities get their port. */
    static MeshSpec meshOf(String... services) {
        List<ServiceSpec> specs = new ArrayList<>();
        for (String s : services) {
            specs.add(new ServiceSpec(s, "default", 9080, Protocol.HTTP,
                    List.of(new WorkloadSpec(s, "default", "v1", 1, null, null, false, null, null, null)), null));
        }
        return new MeshSpec("test", "default", specs, null, null, null);
    }

    WorkloadServer start(String service, BehaviorSpec behavior) {
        return start(service, behavior, 1L, Protocol.HTTP);
    }

    WorkloadServer start(String service, BehaviorSpec behavior, long seed, Protocol protocol) {
        PodInfo pod = pod(service, "v1", protocol);
        MeshSpec mesh = meshOf("productpage", "reviews", "ratings", "details", "payment", "slow", "db");
        WorkloadRuntime rt = new WorkloadRuntime(pod, behavior, new PodOutbound(pod, mesh, resolver), client, TimeScale.REAL,
                new SplittableRandom(seed));
        WorkloadServer server = new WorkloadServer(rt, loops);
        addresses.put(service, server.start().join());
        servers.add(server);
        return server;
    }

    WorkloadServer servers(String service) {
        return servers.stream().filter(s -> s.pod().service().equals(service)).findFirst().orElseThrow();
    }

    URI uri(String service, String path) {
        InetSocketAddress a = addresses.get(service);
        return URI.create("http://" + a.getHostString() + ":" + a.getPort() + path);
    }

    HttpResponse<String> get(String service, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(service, path)).timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        for (WorkloadServer s : servers) {
            s.stop().join();
        }
        client.close();
        loops.close();
    }
}
