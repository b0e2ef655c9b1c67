package dev.loopmesh.dataplane;

import dev.loopmesh.Mesh;
import dev.loopmesh.MeshOptions;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.policy.resilience.RetryPolicy;
import dev.loopmesh.telemetry.RequestRecord;
import dev.loopmesh.topology.BehaviorSpec;
import dev.loopmesh.topology.ExternalSpec;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.Protocol;
import dev.loopmesh.topology.ServiceSpec;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.WorkloadSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Requests through the gateway and two sidecars per hop, over real sockets on loopback. */
class SidecarPathTest {
    private Mesh mesh;
    private final List<TestBackend> backends = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** An external workload: the app is a test backend on its own port, fronted by a real sidecar. */
    private WorkloadSpec external(String service, String version) {
        TestBackend b = new TestBackend(service + "-" + version + "-0", "127.0.0.1", 0);
        backends.add(b);
        return new WorkloadSpec(service, "default", version, 1, service, Map.of(), true, BehaviorSpec.DEFAULT,
                new ExternalSpec("127.0.0.1", b.port()), null);
    }

    private void start(RetryPolicy retry) {
        MeshSpec spec = new MeshSpec("test", "default", List.of(
                new ServiceSpec("front", "default", 9080, Protocol.HTTP, List.of(external("front", "v1")), null),
                new ServiceSpec("back", "default", 9080, Protocol.HTTP, List.of(external("back", "v1"), external("back", "v2")), null)),
                null, List.of(), null);
        mesh = Mesh.start(new Topology(spec, List.of(), List.of(), List.of()), MeshOptions.forTests(),
                new HostRoutingTranslator("front", retry));
    }

    @BeforeEach
    void setUp() {
        start(RetryPolicy.ISTIO_DEFAULT);
    }

    @AfterEach
    void tearDown() {
        backends.forEach(TestBackend::closeQuietly);
        if (mesh != null) {
            mesh.close();
        }
    }

    private HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String ingressUrl(String path) {
        return "http://127.0.0.1:" + mesh.ingressAddress().getPort() + path;
    }

    private PodInfo pod(String name) {
        return mesh.registry().pod(name).orElseThrow();
    }

    @Test
    void gatewayForwardsToTheWorkloadThroughItsInboundSidecar() throws Exception {
        HttpResponse<String> r = get(ingressUrl("/hello?x=1"), "x-envoy-upstream-rq-timeout-ms", "1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("front-v1-0 /hello?x=1");
        assertThat(r.headers().firstValue("server")).hasValue("istio-envoy");
        assertThat(r.headers().firstValue("x-envoy-upstream-service-time")).isPresent();
        Map<String, String> seen = backends.get(0).all().get(0);
        assertThat(seen).containsKey("x-request-id").containsKey("x-forwarded-for");
        // Envoy strips x-envoy-* headers from requests that come from outside the mesh
        assertThat(seen).doesNotContainKey("x-envoy-upstream-rq-timeout-ms").doesNotContainKey("x-envoy-peer-metadata-id");
        await().untilAsserted(() -> assertThat(mesh.telemetry().accessLog().last("front-v1-0", 10))
                .extracting(RequestRecord::reporter, RequestRecord::sourceWorkload, RequestRecord::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("destination", "istio-ingressgateway", 200)));
    }

    @Test
    void appCallsGoThroughItsOutboundSidecarAsAnHttpProxy() throws Exception {
        PodInfo front = pod("front-v1-0");
        try (Socket s = new Socket(front.address(), front.outboundPort())) {
            OutputStream out = s.getOutputStream();
            out.write("GET /x HTTP/1.1\r\nHost: back:9080\r\n\r\nGET /y HTTP/1.1\r\nHost: back.default.svc.cluster.local:9080\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            // pipelined requests are answered in order
            assertThat(answer).as("pipelined answers").contains(" /x", " /y");
            assertThat(answer.indexOf("/x")).isPositive().isLessThan(answer.indexOf("/y"));
            assertThat(answer).contains("x-loopmesh-response-flags");
        }
        int backRequests = backends.stream().filter(b -> b.name.startsWith("back")).mapToInt(b -> b.requests.get()).sum();
        assertThat(backRequests).isEqualTo(2);
        assertThat(backends.stream().filter(b -> b.name.startsWith("back")).flatMap(b -> b.all().stream()))
                .allSatisfy(h -> assertThat(h).doesNotContainKey("x-envoy-peer-metadata-id").containsEntry("x-envoy-attempt-count", "1"));
    }

    @Test
    void unknownHostIsNoRoute404WithFlagNR() throws Exception {
        PodInfo front = pod("front-v1-0");
        try (Socket s = new Socket(front.address(), front.outboundPort())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: nowhere:9080\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 404").contains("x-loopmesh-response-flags: NR");
        }
    }

    @Test
    void aDeadAppIsUFAtItsSidecarAndRetriedTwiceByTheCallersDefaultPolicy() throws Exception {
        // Istio's default retry policy: 2 retries on connect-failure, refused-stream, unavailable, cancelled and 503
        backends.stream().filter(b -> b.name.startsWith("back")).forEach(TestBackend::close);
        PodInfo front = pod("front-v1-0");
        try (Socket s = new Socket(front.address(), front.outboundPort())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: back\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 503");
        }
        await().untilAsserted(() -> assertThat(mesh.telemetry().accessLog().last("front-v1-0", 10))
                .filteredOn(r -> r.reporter().equals("source"))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.attempts()).isEqualTo(3);
                    assertThat(Set.of(r.responseFlags().split(","))).contains("URX");
                }));
        await().untilAsserted(() -> assertThat(mesh.telemetry().accessLog().last("back-v1-0", 10).size()
                + mesh.telemetry().accessLog().last("back-v2-0", 10).size()).isEqualTo(3));
        assertThat(mesh.telemetry().accessLog().last("back-v1-0", 10)).allSatisfy(r -> assertThat(r.responseFlags()).isEqualTo("UF"));
    }

    @Test
    void a500IsNotRetriedByTheDefaultPolicyButA503Is() throws Exception {
        backends.forEach(b -> b.status = n -> 500);
        assertThat(get(ingressUrl("/")).statusCode()).isEqualTo(500);
        assertThat(backends.get(0).requests.get()).isEqualTo(1);
        backends.forEach(b -> b.status = n -> n == 2 ? 503 : 200);
        assertThat(get(ingressUrl("/")).statusCode()).isEqualTo(200);
        assertThat(backends.get(0).requests.get()).isEqualTo(3);
    }

    @Test
    void ambiguousAndMalformedRequestsAreRejectedAndTheConnectionCloses() throws Exception {
        String[] bad = {
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            "GET / HTTP/1.1\r\nHo st: a\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n",
        };
        for (String req : bad) {
            try (Socket s = new Socket("127.0.0.1", mesh.ingressAddress().getPort())) {
                s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = s.getInputStream();
                String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(answer).as(req).startsWith("HTTP/1.1 400");
            }
        }
        try (Socket s = new Socket("127.0.0.1", mesh.ingressAddress().getPort())) {
            s.getOutputStream().write(("GET /" + "a".repeat(20000) + " HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 414");
        }
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 120; i++) {
            many.append("x-h").append(i).append(": v\r\n");
        }
        try (Socket s = new Socket("127.0.0.1", mesh.ingressAddress().getPort())) {
            s.getOutputStream().write(many.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 431");
        }
        assertThat(backends.get(0).requests.get()).isZero();
    }
}
