package dev.loopmesh.traffic;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.internal.EventLoops;
import dev.loopmesh.internal.TimeScale;
import dev.loopmesh.topology.BehaviorSpec;
import dev.loopmesh.topology.LatencySpec;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.Protocol;
import dev.loopmesh.topology.TrafficClientSpec;
import dev.loopmesh.topology.TrafficClientSpec.Weighted;
import dev.loopmesh.workload.CallTreeJson;
import dev.loopmesh.workload.PodOutbound;
import dev.loopmesh.workload.WorkloadRuntime;
import dev.loopmesh.workload.WorkloadServer;
import dev.loopmesh.workload.client.ClientRequest;
import dev.loopmesh.workload.client.ClientResponse;
import dev.loopmesh.workload.client.HttpClientPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LoadGeneratorTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final EventLoops loops = new EventLoops(2);
    private final HttpClientPool appClient = new HttpClientPool(loops);
    private final LoadGenerator.Options fastWindow =
            new LoadGenerator.Options(64, Duration.ofSeconds(30), Duration.ofMillis(100), 10);
    private final LoadGenerator load = new LoadGenerator(loops, TimeScale.REAL, new SplittableRandom(3), fastWindow, System::nanoTime);
    private WorkloadServer server;

    @AfterEach
    void tearDown() {
        load.close();
        if (server != null) {
            server.stop().join();
        }
        appClient.close();
        loops.close();
    }

    private InetSocketAddress startWorkload(LatencySpec latency) {
        PodInfo pod = new PodInfo("web-v1-0", "web-v1", "web", "default", "v1", "127.78.0.1", "127.78.0.1", 0, 0, 0, 8080,
                Map.of(), false, "default", Protocol.HTTP);
        BehaviorSpec behavior = new BehaviorSpec(latency, 0, 500, 0, Map.of(), List.of(), false, false, 500);
        MeshSpec mesh = new MeshSpec("t", "default", List.of(), null, null, null);
        server = new WorkloadServer(new WorkloadRuntime(pod, behavior, new PodOutbound(pod, mesh, (s, n) -> null), appClient,
                TimeScale.REAL, new SplittableRandom(1)), loops);
        return server.start().join();
    }

    private static TrafficClientSpec client(String name, double rate, Map<String, List<Weighted>> headers) {
        return new TrafficClientSpec(name, "web", "GET", List.of(new Weighted("/a", 1), new Weighted("/b", 1)), rate, headers, null);
    }

    @Test
    void sendsAboutRateTimesElapsedRequestsAndNeverAhead() {
        InetSocketAddress web = startWorkload(LatencySpec.ZERO);
        load.add(client("browsers", 200, Map.of("end-user", List.of(new Weighted("jason", 0.2), new Weighted("", 0.8)))),
                TrafficTarget.fixed(web, "web:8080"));
        long t0 = System.nanoTime();
        load.start();

        await().atMost(PATIENCE).until(() -> load.snapshot().client("browsers").orElseThrow().completed() >= 100);
        ClientStats s = load.snapshot().client("browsers").orElseThrow();
        double elapsedSeconds = (System.nanoTime() - t0) / 1e9;

        // open loop: a request is never sent before its intended time t0 + i/rate
        assertThat(s.sent() + s.dropped()).isLessThanOrEqualTo((long) (200 * elapsedSeconds) + 1);
        assertThat(s.errors()).isZero();
        assertThat(s.statuses().keySet()).containsOnly(200);
        assertThat(server.served()).isGreaterThanOrEqualTo(100);
    }

    @Test
    void latencyCountsFromTheIntendedSendTimeAndTheWindowReportsRps() {
        InetSocketAddress web = startWorkload(new LatencySpec.Fixed(Duration.ofMillis(20)));
        load.add(client("slow", 50, Map.of()), TrafficTarget.fixed(web, "web:8080"));
        load.start();

        await().atMost(PATIENCE).until(() -> load.snapshot().client("slow").orElseThrow().rps() > 0);
        ClientStats s = load.snapshot().client("slow").orElseThrow();

        assertThat(s.p50Ms()).isGreaterThanOrEqualTo(20.0); // the workload's scheduled latency, at least
        assertThat(s.p99Ms()).isGreaterThanOrEqualTo(s.p50Ms());
        assertThat(s.windowSeconds()).isPositive();
    }

    @Test
    void aSaturatedClientDropsInsteadOfQueueing() {
        InetSocketAddress web = startWorkload(new LatencySpec.Fixed(Duration.ofSeconds(60)));
        LoadGenerator tight = new LoadGenerator(loops, TimeScale.REAL, new SplittableRandom(1),
                new LoadGenerator.Options(2, Duration.ofSeconds(90), Duration.ofSeconds(1), 10), System::nanoTime);
        try {
            tight.add(client("stuck", 100, Map.of()), TrafficTarget.fixed(web, "web:8080"));
            tight.start();

            await().atMost(PATIENCE).until(() -> tight.snapshot().client("stuck").orElseThrow().dropped() >= 5);
            ClientStats s = tight.snapshot().client("stuck").orElseThrow();
            assertThat(s.inFlight()).isEqualTo(2);
            assertThat(s.sent()).isEqualTo(2);
        } finally {
            tight.close();
        }
    }

    @Test
    void ratesChangeAndClientsPauseWhileRunning() {
        InetSocketAddress web = startWorkload(LatencySpec.ZERO);
        load.add(client("c", 20, Map.of()), TrafficTarget.fixed(web, "web:8080"));
        load.start();
        await().atMost(PATIENCE).until(() -> load.snapshot().client("c").orElseThrow().completed() >= 2);

        load.setRate("c", 400);
        load.pause("c");
        assertThat(load.snapshot().client("c").orElseThrow().paused()).isTrue();
        assertThat(load.snapshot().client("c").orElseThrow().ratePerSecond()).isEqualTo(400);
        long before = load.snapshot().client("c").orElseThrow().sent();
        load.resume("c");

        await().atMost(PATIENCE).until(() -> load.snapshot().client("c").orElseThrow().sent() >= before + 50);
        assertThat(load.snapshot().client("c").orElseThrow().paused()).isFalse();
    }

    @Test
    void requestsToANonListeningAddressCountAsErrorsWithTheirReason() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        load.add(client("lost", 50, Map.of()), TrafficTarget.fixed(new InetSocketAddress("127.0.0.1", port), "web:8080"));
        load.start();

        await().atMost(PATIENCE).until(() -> load.snapshot().client("lost").orElseThrow().errors() >= 3);
        assertThat(load.snapshot().client("lost").orElseThrow().errorReasons()).containsKey("connection refused");
    }

    @Test
    void oneRequestCanBeSentOnItsOwn() {
        InetSocketAddress web = startWorkload(LatencySpec.ZERO);

        ClientResponse r = load.send(web, ClientRequest.get("/hello", "web:8080")).join();

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().get("content-type")).isEqualTo("application/json");
        assertThat(CallTreeJson.parse(r.body()).pod()).isEqualTo("web-v1-0");
        assertThat(r.responseFlags()).isEmpty();
    }
}
