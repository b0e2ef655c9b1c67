package dev.loopmesh.mesh;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.telemetry.RequestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Toxiproxy's slicer toxic on the link between two workloads, seen by the calling app over a real socket. */
class SlicerMeshTest {
    private MeshFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private static String mesh(String direction) {
        return """
                apiVersion: loopmesh.dev/v1
                kind: Mesh
                metadata: {name: sliced}
                spec:
                  services:
                  - {name: front, port: 8000, workloads: [{version: v1}]}
                  - {name: back, port: 8000, workloads: [{version: v1, behavior: {responseSize: 4000}}]}
                ---
                apiVersion: loopmesh.dev/v1
                kind: Chaos
                metadata: {name: chop}
                spec:
                  slice: {from: front, to: back, averageSize: 1000, delay: 40ms, direction: %s}
                """.formatted(direction);
    }

    /** One read of the socket: when it returned and how many bytes. */
    private record Read(long atNanos, int bytes) {
    }

    @Test
    void theCallerReadsASlicedResponseBodyInPiecesSpreadOverTheDelays() throws Exception {
        // Toxiproxy slicer: "slices TCP data up into small bits, optionally adding a delay between each sliced packet"
        f = MeshFixture.start(mesh("response"));
        PodInfo front = f.mesh.registry().pod("front-v1-0").orElseThrow();
        List<Read> reads = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (Socket s = new Socket(front.address(), front.outboundPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: back:8000\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                reads.add(new Read(System.nanoTime(), n));
                all.write(buf, 0, n);
            }
        }
        String answer = all.toString(StandardCharsets.UTF_8);
        assertThat(answer).startsWith("HTTP/1.1 200").contains("content-length: 4000");
        assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4)).hasSize(4000);
        // four slices of 1000 bytes, 40 ms apart: at least four reads, the last no sooner than 3 × 40 ms after the first
        assertThat(reads).hasSizeGreaterThanOrEqualTo(4);
        long spreadMs = (reads.get(reads.size() - 1).atNanos() - reads.get(0).atNanos()) / 1_000_000;
        assertThat(spreadMs).isGreaterThanOrEqualTo(110);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(f.mesh.telemetry().accessLog().last("front-v1-0", 10))
                .filteredOn(r -> r.reporter().equals("source")).singleElement()
                .satisfies(r -> assertThat(r.trace()).anyMatch(t -> t.contains("response body sent in slices of 1000 bytes, 40000µs apart (chaos)"))));
    }

    @Test
    void aSlicedRequestBodyArrivesWholeAndTheAttemptSaysItWasSliced() throws Exception {
        f = MeshFixture.start(mesh("request"));
        PodInfo front = f.mesh.registry().pod("front-v1-0").orElseThrow();
        String body = "x".repeat(3000);
        try (Socket s = new Socket(front.address(), front.outboundPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /orders HTTP/1.1\r\nHost: back:8000\r\nConnection: close\r\nContent-Length: 3000\r\n\r\n"
                    + body).getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 200");
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(f.mesh.telemetry().accessLog().last("back-v1-0", 10)).filteredOn(r -> r.reporter().equals("destination"))
                    .singleElement().extracting(RequestRecord::requestBytes).isEqualTo(3000L);
            assertThat(f.mesh.telemetry().accessLog().last("front-v1-0", 10)).filteredOn(r -> r.reporter().equals("source"))
                    .singleElement().satisfies(r -> assertThat(r.trace()).anyMatch(t -> t.contains("request body sent in slices of 1000 bytes")));
        });
    }
}
