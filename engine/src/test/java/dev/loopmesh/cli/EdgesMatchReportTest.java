package dev.loopmesh.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code loopmesh get edges} during a {@code loopmesh run} shows what the run's {@code --report} says at
 * the end, for the same window. The fair window: the run is shorter than a minute and carries only the
 * requests this test sends, so once they are all in, {@code get edges --window 60} covers the whole run —
 * which is what the report's totals cover. Counts must then be equal, and so must the percentiles, read
 * from histograms of the same samples.
 */
class EdgesMatchReportTest {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final int REQUESTS = 20;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void getEdgesDuringARunMatchesTheReportOfThatRun() throws Exception {
        int admin = freePort();
        Path report = dir.resolve("report.json");
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> new picocli.CommandLine(new RunCommand()).execute(
                "--headless", "--no-traffic", "--duration", "25s", "--interval", "1h", "--ingress-port", "0",
                "--admin-port", Integer.toString(admin), "--report", report.toString()));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get(admin, "/healthz").statusCode() == 200);
        String ingress = JSON.readTree(get(admin, "/api/topology").body()).get("ingress").asText();
        for (int i = 0; i < REQUESTS; i++) {
            assertThat(get(ingress, "/productpage").statusCode()).isEqualTo(200);
        }

        // the edges once every request is folded into the windows and two reads a tick apart agree
        AtomicReference<String> last = new AtomicReference<>("");
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(1100)).until(() -> {
            ObserveCommandsTest.Run r = ObserveCommandsTest.run(new GetCommand(), "edges", "-o", "json", "--window", "60",
                    "--admin-port", Integer.toString(admin));
            JsonNode edges = JSON.readTree(r.out()).get("edges");
            String before = last.getAndSet(r.out());
            return !before.isEmpty() && counts(edges).equals(counts(JSON.readTree(before).get("edges")))
                    && gatewayRequests(edges) == REQUESTS;
        });
        JsonNode live = JSON.readTree(last.get()).get("edges");
        ObserveCommandsTest.Run table = ObserveCommandsTest.run(new GetCommand(), "edges", "--window", "60",
                "--admin-port", Integer.toString(admin));
        assertThat(table.out()).contains("istio-ingressgateway", "productpage-v1", "details-v1", "healthy");

        assertThat(run.get(60, TimeUnit.SECONDS)).isZero();
        JsonNode reported = JSON.readTree(Files.readString(report)).get("edges");

        Map<String, JsonNode> byEdge = new HashMap<>();
        reported.forEach(e -> byEdge.put(e.get("source").asText() + ">" + e.get("destination").asText(), e));
        assertThat(byEdge).hasSize(live.size());
        for (JsonNode e : live) {
            String key = e.get("source").asText() + ">" + e.get("destination").asText();
            JsonNode r = byEdge.get(key);
            assertThat(r).as(key).isNotNull();
            assertThat(r.get("requests").asLong()).as(key).isEqualTo(e.get("requests").asLong());
            assertThat(r.get("responses")).as(key).isEqualTo(e.get("responses"));
            assertThat(r.get("responseFlags")).as(key).isEqualTo(e.get("responseFlags"));
            assertThat(r.get("successRate").asDouble()).as(key).isEqualTo(e.get("successRate").asDouble());
            assertThat(r.get("latencyMs").get("p50").asDouble()).as(key).isEqualTo(e.get("p50Ms").asDouble());
            assertThat(r.get("latencyMs").get("p95").asDouble()).as(key).isEqualTo(e.get("p95Ms").asDouble());
            assertThat(r.get("latencyMs").get("p99").asDouble()).as(key).isEqualTo(e.get("p99Ms").asDouble());
        }
        assertThat(byEdge.get("istio-ingressgateway>productpage-v1").get("requests").asLong()).isEqualTo(REQUESTS);
    }

    /** What does not change with time once no request flows (unlike rps, which the growing window divides). */
    private static Map<String, String> counts(JsonNode edges) {
        Map<String, String> out = new HashMap<>();
        edges.forEach(e -> out.put(e.get("source").asText() + ">" + e.get("destination").asText(),
                e.get("requests").asText() + " " + e.get("responses")));
        return out;
    }

    private static long gatewayRequests(JsonNode edges) {
        for (JsonNode e : edges) {
            if (e.get("source").asText().equals("istio-ingressgateway")) {
                return e.get("requests").asLong();
            }
        }
        return 0;
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return get("127.0.0.1:" + port, path);
    }

    private HttpResponse<String> get(String hostPort, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort + path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
