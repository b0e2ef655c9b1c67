package dev.loopmesh.cli;

import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.telemetry.LiveMesh;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code loopmesh logs|traces|top|get} against a running Bookinfo, through its admin API. */
class ObserveCommandsTest {
    /** Istio's default TEXT line: start, request line, code, flags, details, ..., route name. */
    static final Pattern ISTIO_LINE = Pattern.compile("^\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z] \"(GET|POST) /\\S* HTTP/1\\.1\" "
            + "\\d{1,3} \\S+ \\S+ - \"-\" \\d+ \\d+ \\d+ \\S+ \"[^\"]*\" \"[^\"]*\" \"[^\"]*\" \"[^\"]*\" \"[^\"]*\" \\S+ \\S+ \\S+ \\S+ \\S+ \\S+$");
    static final int REQUESTS = 12;

    static LiveMesh m;
    static String port;

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().collect(Collectors.toList());
        }
    }

    @BeforeAll
    static void bookinfoWithSomeRequests() {
        m = LiveMesh.bookinfo("");
        port = Integer.toString(m.adminPort());
        for (int i = 0; i < REQUESTS; i++) {
            assertThat(m.get("/productpage").statusCode()).isEqualTo(200);
        }
    }

    @AfterAll
    static void stop() {
        if (m != null) {
            m.close();
        }
    }

    static Run run(Object command, String... args) {
        return run(new StringWriter(), command, args);
    }

    /** Runs with {@code out} visible while the command runs (for follow mode). */
    static Run run(StringWriter out, Object command, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void logsPrintsTheLastLinesOfAProxyInIstiosFormat() {
        Run r = run(new LogsCommand(), "productpage-v1-0", "--limit", "5", "--admin-port", port);

        assertThat(r.exit()).isZero();
        assertThat(r.lines()).hasSize(5).allSatisfy(l -> assertThat(l).matches(ISTIO_LINE));
        // the app sends absolute URLs to its sidecar; the log shows the path, as Envoy's :path
        assertThat(r.out()).doesNotContain("http://").containsPattern("\"GET /(details|reviews)/0 HTTP/1.1\" 200 - via_upstream");
    }

    @Test
    void logsAsJsonPrintsOneIstioObjectALine() {
        Run r = run(new LogsCommand(), "istio-ingressgateway", "-o", "json", "--limit", "2", "--admin-port", port);

        assertThat(r.exit()).isZero();
        JsonMapper json = JsonMapper.builder().build();
        assertThat(r.lines()).hasSize(2).allSatisfy(l -> {
            JsonNode n = json.readTree(l);
            assertThat(n.get("path").asText()).isEqualTo("/productpage");
            assertThat(n.get("response_code").asInt()).isEqualTo(200);
            assertThat(n.get("response_flags").asText()).isEqualTo("-");
            assertThat(n.get("upstream_cluster").asText()).isEqualTo("outbound|9080||productpage.default.svc.cluster.local");
        });
    }

    @Test
    void logsOfAnUnknownPodSaysWhichPodsThereAre() {
        Run r = run(new LogsCommand(), "nosuch-v1-0", "--admin-port", port);

        assertThat(r.exit()).isEqualTo(LoopmeshCli.BAD_INPUT);
        assertThat(r.err()).startsWith("error: no proxy nosuch-v1-0 (expected one of: ").contains("productpage-v1-0", "istio-ingressgateway");
    }

    @Test
    void followingPrintsEachNewLineOnce() throws Exception {
        StringWriter live = new StringWriter();
        CompletableFuture<Run> follower = CompletableFuture.supplyAsync(() -> run(live, new LogsCommand(), "details-v1-0", "-f",
                "--limit", "1", "--poll", "50ms", "--follow-for", "8s", "--admin-port", port));
        await().atMost(Duration.ofSeconds(5)).until(() -> live.toString().lines().count() == 1);
        for (int i = 0; i < 3; i++) {
            m.get("/productpage");
            long expected = i + 2;
            await().atMost(Duration.ofSeconds(5)).until(() -> live.toString().lines().count() >= expected);
        }
        Run r = follower.get();

        assertThat(r.exit()).isZero();
        assertThat(r.lines()).hasSize(4).allSatisfy(l -> assertThat(l).matches(ISTIO_LINE).contains("\"GET /details/0 HTTP/1.1\""));
        // four requests, four request ids: nothing printed twice
        assertThat(r.lines().stream().map(l -> l.split("\"")[9]).distinct()).hasSize(4);
    }

    @Test
    void tracesListsTracesAndShowsOneAsAWaterfall() {
        Run list = run(new TracesCommand(), "--limit", "3", "--admin-port", port);
        assertThat(list.exit()).isZero();
        assertThat(list.lines().get(0)).startsWith("TRACE_ID").contains("ROOT_SERVICE", "SPANS", "DURATION");
        assertThat(list.lines()).hasSize(4);
        String id = list.lines().get(1).split("\\s+")[0];
        assertThat(id).matches("[0-9a-f]{32}");

        Run one = run(new TracesCommand(), id, "--admin-port", port);
        assertThat(one.exit()).isZero();
        List<String> lines = one.lines();
        assertThat(lines.get(0)).startsWith("trace " + id + ": ");
        assertThat(lines.get(1)).startsWith("SPAN").contains("PROXY", "KIND", "STATUS", "FLAGS", "START", "DURATION", "TIMELINE");
        // the root is the gateway's server span (named after the authority, as Envoy does), unindented, starting
        // at +0 and spanning the whole axis
        assertThat(lines.get(2)).startsWith("127.0.0.1:").contains("istio-ingressgateway", "SERVER",
                "+0.0ms", "|" + "=".repeat(Waterfall.BAR) + "|");
        assertThat(lines.get(3)).startsWith("  productpage.").contains("istio-ingressgateway", "CLIENT");
        assertThat(lines.get(4)).startsWith("    1").contains("productpage-v1-0", "SERVER");
        // the app's own server span sits under its sidecar's; its calls' client spans under it
        assertThat(lines.get(5)).startsWith("      GET /productpage").contains("productpage-v1-0", "SERVER");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("        GET details:9080/details/0").contains("productpage-v1-0", "CLIENT"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("            details").contains("details-v1-0", "SERVER"));
    }

    @Test
    void tracesOfAnUnknownIdFails() {
        Run r = run(new TracesCommand(), "0af7651916cd43dd8448eb211c80319c", "--admin-port", port);
        assertThat(r.exit()).isEqualTo(LoopmeshCli.BAD_INPUT);
        assertThat(r.err()).contains("no trace 0af7651916cd43dd8448eb211c80319c");
    }

    @Test
    void tracesExportWritesZipkinJsonThatHoldsEverySpan() throws Exception {
        Path file = dir.resolve("out/traces.json");
        Run r = run(new TracesCommand(), "--export", "zipkin", "--out", file.toString(), "--admin-port", port);

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("wrote " + file);
        JsonNode spans = JsonMapper.builder().build().readTree(Files.readString(file));
        assertThat(spans.isArray()).isTrue();
        assertThat(spans.size()).isGreaterThanOrEqualTo(REQUESTS * 6);
        assertThat(spans.get(0).has("traceId")).isTrue();
    }

    @Test
    void topOnceCountsEachRequestOnceFromTheCallersSide() {
        Run r = run(new TopCommand(), "--once", "--admin-port", port);

        assertThat(r.exit()).isZero();
        List<String> lines = r.lines();
        assertThat(lines.get(0)).startsWith("loopmesh top: ");
        assertThat(lines.get(2)).startsWith("SOURCE").contains("DESTINATION", "METHOD", "PATH", "COUNT", "BEST", "WORST", "LAST", "SUCCESS");
        long viaGateway = m.mesh.telemetry().accessLog().last(Registry.GATEWAY, 1000).stream()
                .filter(x -> x.path().equals("/productpage")).count();
        Map<String, String[]> rows = lines.subList(3, lines.size()).stream().map(l -> l.split("\\s+"))
                .collect(Collectors.toMap(c -> c[0] + ">" + c[1] + " " + c[3], c -> c));
        assertThat(rows.get("istio-ingressgateway>productpage-v1 /productpage")[4]).isEqualTo(Long.toString(viaGateway));
        assertThat(rows.get("productpage-v1>details-v1 /details/0")[4]).isEqualTo(Long.toString(viaGateway));
        assertThat(rows.get("istio-ingressgateway>productpage-v1 /productpage")[8]).isEqualTo("100.00%");
        // counted from the caller's side only: no row has the destination's own record added to it
        long toReviews = rows.entrySet().stream().filter(e -> e.getKey().startsWith("productpage-v1>reviews-"))
                .mapToLong(e -> Long.parseLong(e.getValue()[4])).sum();
        assertThat(toReviews).isEqualTo(viaGateway);
    }

    @Test
    void getEdgesShowsKialiHealth() {
        await().atMost(Duration.ofSeconds(5)).until(() -> !m.mesh.edges(60).isEmpty());
        Run r = run(new GetCommand(), "edges", "--window", "60", "--admin-port", port);

        assertThat(r.exit()).isZero();
        assertThat(r.lines().get(0)).endsWith("HEALTH");
        assertThat(r.lines()).anySatisfy(l -> assertThat(l).startsWith("istio-ingressgateway").endsWith("healthy"));
        Run json = run(new GetCommand(), "edges", "-o", "json", "--window", "60", "--admin-port", port);
        assertThat(json.out()).contains("\"health\" : \"healthy\"");
    }


    @Test
    void chaosVerbsForEveryLinkToxicStartFaultsThatRmRemoves() {
        // issue 4: latency, bandwidth, stall, slice and reset on a link, from the CLI as from the topology
        String[][] verbs = {
            {"slice", "--from", "productpage", "--to", "details", "--average-size", "64", "--size-variation", "16", "--delay", "1ms", "--name", "cli-slice"},
            {"bandwidth", "--from", "productpage", "--to", "details", "--bytes-per-second", "1000000", "--name", "cli-bandwidth"},
            {"stall", "--from", "ratings", "--to", "details", "--timeout", "1s", "--name", "cli-stall"},
        };
        for (String[] v : verbs) {
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(v), java.util.stream.Stream.of("--admin-port", port))
                    .toArray(String[]::new);
            assertThat(run(new ChaosCommand(), args).exit()).as(String.join(" ", v)).isZero();
        }
        assertThat(m.mesh.chaos().active()).extracting(dev.loopmesh.chaos.ChaosState::id)
                .contains("cli-slice", "cli-bandwidth", "cli-stall");
        for (String id : List.of("cli-slice", "cli-bandwidth", "cli-stall")) {
            assertThat(run(new ChaosCommand(), "rm", id, "--admin-port", port).exit()).isZero();
        }
        assertThat(m.mesh.chaos().active()).extracting(dev.loopmesh.chaos.ChaosState::id)
                .doesNotContain("cli-slice", "cli-bandwidth", "cli-stall");
    }
}
