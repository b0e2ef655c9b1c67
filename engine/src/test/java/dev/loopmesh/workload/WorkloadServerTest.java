package dev.loopmesh.workload;

import dev.loopmesh.topology.BehaviorSpec;
import dev.loopmesh.topology.CallSpec;
import dev.loopmesh.topology.LatencySpec;
import dev.loopmesh.topology.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class WorkloadServerTest {
    private final TestMesh mesh = new TestMesh();

    @AfterEach
    void tearDown() {
        mesh.close();
    }

    @Test
    void answersWithItsCallTree() throws Exception {
        WorkloadServer details = mesh.start("details", TestMesh.behavior(LatencySpec.ZERO, List.of()));

        HttpResponse<String> r = mesh.get("details", "/details/0");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        CallTree tree = CallTreeJson.parse(r.body());
        assertThat(tree).isNotNull();
        assertThat(tree.service()).isEqualTo("details");
        assertThat(tree.version()).isEqualTo("v1");
        assertThat(tree.pod()).isEqualTo(details.pod().name());
        assertThat(tree.status()).isEqualTo(200);
        assertThat(tree.calls()).isEmpty();
        assertThat(details.served()).isEqualTo(1);
    }

    @Test
    void aThreeLevelChainShowsNestedTrees() throws Exception {
        mesh.start("ratings", TestMesh.behavior(LatencySpec.ZERO, List.of()));
        mesh.start("reviews", TestMesh.behavior(LatencySpec.ZERO, List.of(TestMesh.call("ratings", Duration.ofSeconds(5), 1, List.of()))));
        mesh.start("productpage", TestMesh.behavior(new LatencySpec.Fixed(Duration.ofMillis(2)),
                List.of(TestMesh.call("reviews", Duration.ofSeconds(5), 1, List.of()))));

        CallTree tree = CallTreeJson.parse(mesh.get("productpage", "/productpage").body());

        assertThat(tree.service()).isEqualTo("productpage");
        assertThat(tree.durationMs()).isGreaterThanOrEqualTo(2.0); // the scheduled latency is part of it
        CallTree reviews = tree.calls().get(0);
        assertThat(reviews.service()).isEqualTo("reviews");
        assertThat(reviews.pod()).isEqualTo("reviews-v1-0");
        assertThat(reviews.status()).isEqualTo(200);
        assertThat(reviews.error()).isEmpty();
        assertThat(reviews.calls()).singleElement().satisfies(ratings -> {
            assertThat(ratings.service()).isEqualTo("ratings");
            assertThat(ratings.status()).isEqualTo(200);
        });
    }

    @Test
    void downstreamConnectionsAreKeptAliveAndReused() throws Exception {
        mesh.start("ratings", TestMesh.behavior(LatencySpec.ZERO, List.of()));
        mesh.start("reviews", TestMesh.behavior(LatencySpec.ZERO, List.of(TestMesh.call("ratings", null, 1, List.of()))));

        for (int i = 0; i < 5; i++) {
            assertThat(mesh.get("reviews", "/reviews/" + i).statusCode()).isEqualTo(200);
        }

        assertThat(mesh.client.openConnections()).isEqualTo(1);
        assertThat(mesh.servers("ratings").served()).isEqualTo(5);
    }

    @Test
    void propagatesRequestIdTraceHeadersAndTheChosenHeaders() throws Exception {
        try (CaptureServer downstream = new CaptureServer(200)) {
            mesh.addresses.put("reviews", downstream.address());
            mesh.start("productpage", TestMesh.behavior(LatencySpec.ZERO,
                    List.of(TestMesh.call("reviews", Duration.ofSeconds(5), 1, List.of("end-user")))));

            HttpResponse<String> r = mesh.get("productpage", "/productpage", "x-request-id", "req-1", "end-user", "jason",
                    "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "cookie", "secret");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(downstream.header(0, "x-request-id")).isEqualTo("req-1");
            assertThat(downstream.header(0, "end-user")).isEqualTo("jason");
            assertThat(downstream.header(0, "traceparent")).startsWith("00-0af7651916cd43dd8448eb211c80319c");
            assertThat(downstream.header(0, "cookie")).isNull(); // only what the app chose to propagate
            assertThat(downstream.header(0, "host")).isEqualTo("reviews:9080");
            CallTree call = CallTreeJson.parse(r.body()).calls().get(0);
            assertThat(call.service()).isEqualTo("reviews"); // the body was no call tree: named after the call
            assertThat(call.status()).isEqualTo(200);
        }
    }

    @Test
    void anAppTimeoutShowsInTheTreeAndDegradeStillAnswers200() throws Exception {
        mesh.start("reviews", TestMesh.behavior(new LatencySpec.Fixed(Duration.ofSeconds(30)), List.of()));
        mesh.start("productpage", TestMesh.behavior(LatencySpec.ZERO,
                List.of(TestMesh.call("reviews", Duration.ofMillis(50), 2, List.of()))));

        HttpResponse<String> r = mesh.get("productpage", "/productpage");

        assertThat(r.statusCode()).isEqualTo(200);
        CallTree call = CallTreeJson.parse(r.body()).calls().get(0);
        assertThat(call.status()).isZero();
        assertThat(call.error()).isEqualTo("app timeout after 50ms (attempt 2 of 2)");
        assertThat(call.durationMs()).isGreaterThanOrEqualTo(100.0); // two tries of 50 ms each
    }

    @Test
    void aFailingCallAnswersTheConfiguredStatusWhenTheAppFailsOnCallErrors() throws Exception {
        mesh.start("reviews", TestMesh.behavior(new LatencySpec.Fixed(Duration.ofSeconds(30)), List.of()));
        mesh.start("ratings", TestMesh.behavior(LatencySpec.ZERO, List.of()));
        BehaviorSpec failing = new BehaviorSpec(LatencySpec.ZERO, 0, 500, 0, Map.of(),
                List.of(TestMesh.call("reviews", Duration.ofMillis(50), 1, List.of()), TestMesh.call("ratings", null, 1, List.of())),
                false, true, 503);
        WorkloadServer ratings = mesh.servers("ratings");
        mesh.start("productpage", failing);

        HttpResponse<String> r = mesh.get("productpage", "/productpage");

        assertThat(r.statusCode()).isEqualTo(503);
        CallTree tree = CallTreeJson.parse(r.body());
        assertThat(tree.status()).isEqualTo(503);
        assertThat(tree.error()).isEqualTo("call to reviews failed: app timeout after 50ms");
        assertThat(tree.calls()).hasSize(1); // it stopped at the failed call
        assertThat(ratings.served()).isZero();
    }

    @Test
    void retriesEachAttemptOnA5xxAndReportsTheLastOne() throws Exception {
        try (CaptureServer downstream = new CaptureServer(503)) {
            mesh.addresses.put("reviews", downstream.address());
            mesh.start("productpage", TestMesh.behavior(LatencySpec.ZERO,
                    List.of(TestMesh.call("reviews", Duration.ofSeconds(5), 3, List.of()))));

            CallTree call = CallTreeJson.parse(mesh.get("productpage", "/").body()).calls().get(0);

            assertThat(downstream.requests).hasSize(3);
            assertThat(call.status()).isEqualTo(503);
            assertThat(call.responseFlags()).isEqualTo("UF");
            assertThat(call.error()).isEqualTo("upstream status 503 (attempt 3 of 3)");
        }
    }

    @Test
    void aCallToAPortNobodyListensOnIsConnectionRefused() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            mesh.addresses.put("reviews", new java.net.InetSocketAddress("127.0.0.1", s.getLocalPort()));
        } // closed: nothing listens there now
        mesh.start("productpage", TestMesh.behavior(LatencySpec.ZERO, List.of(TestMesh.call("reviews", null, 1, List.of()))));

        CallTree call = CallTreeJson.parse(mesh.get("productpage", "/").body()).calls().get(0);

        assertThat(call.status()).isZero();
        assertThat(call.error()).isEqualTo("connection refused");
    }

    @Test
    void theErrorRateFollowsTheSeededRandom() throws Exception {
        BehaviorSpec flaky = new BehaviorSpec(LatencySpec.ZERO, 0.5, 503, 0, Map.of(), List.of(), false, false, 500);
        mesh.start("payment", flaky, 42L, Protocol.HTTP);
        SplittableRandom replay = new SplittableRandom(42L);
        int expected = 0;
        int got = 0;
        for (int i = 0; i < 40; i++) {
            expected += replay.nextDouble() < 0.5 ? 1 : 0;
            HttpResponse<String> r = mesh.get("payment", "/pay");
            if (r.statusCode() == 503) {
                got++;
                assertThat(CallTreeJson.parse(r.body()).error()).startsWith("injected error");
            }
        }
        assertThat(got).isEqualTo(expected).isBetween(5, 35);
    }

    @Test
    void paddingAndResponseHeadersFollowTheBehaviour() throws Exception {
        BehaviorSpec big = new BehaviorSpec(LatencySpec.ZERO, 0, 500, 4096, Map.of("x-app", "details"), List.of(), false, false, 500);
        mesh.start("details", big);

        HttpResponse<String> r = mesh.get("details", "/");

        assertThat(r.body().length()).isEqualTo(4096);
        assertThat(r.headers().firstValue("x-app")).hasValue("details");
        assertThat(CallTreeJson.parse(r.body()).service()).isEqualTo("details");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        // the first request waits 30 ms, the second none: the answers must still leave in request order
        mesh.start("slow", TestMesh.behavior(new LatencySpec.Fixed(Duration.ofMillis(30)), List.of()));
        var a = mesh.addresses.get("slow");
        try (Socket s = new Socket(a.getAddress(), a.getPort())) {
            OutputStream out = s.getOutputStream();
            String req = "GET /1 HTTP/1.1\r\nHost: slow\r\n\r\nGET /2 HTTP/1.1\r\nHost: slow\r\nConnection: close\r\n\r\n";
            out.write(req.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(all.split("HTTP/1.1 200 OK", -1)).hasSize(3);
            assertThat(all).contains("connection: close");
        }
    }

    @Test
    void aTcpServiceAnswersEachChunkWithItsPod() throws Exception {
        WorkloadServer db = mesh.start("db", BehaviorSpec.DEFAULT, 1L, Protocol.TCP);
        var a = mesh.addresses.get("db");
        try (Socket s = new Socket(a.getAddress(), a.getPort())) {
            s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(line).isEqualTo(db.pod().name() + " (db v1) read 4 bytes");
        }
    }
}
