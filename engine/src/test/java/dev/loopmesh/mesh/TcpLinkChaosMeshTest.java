package dev.loopmesh.mesh;

import dev.loopmesh.controlplane.PodInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

import static dev.loopmesh.testing.TcpTopologies.DB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Toxiproxy's toxics on the link between two workloads act on plain TCP too: a raw client on its sidecar's
 * outbound listener for a {@code protocol: tcp} service sees them over real sockets.
 */
class TcpLinkChaosMeshTest {

    private MeshFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private static String mesh(String chaos) {
        return """
                apiVersion: loopmesh.dev/v1
                kind: Mesh
                metadata: {name: tcpchaos}
                spec:
                  services:
                  - {name: tools, port: 8080, workloads: [{version: v1}]}
                  - {name: db, port: 5432, protocol: tcp, workloads: [{version: v1}]}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: db}
                spec:
                  host: db
                  trafficPolicy: {connectionPool: {tcp: {connectTimeout: 300ms}}}
                ---
                apiVersion: loopmesh.dev/v1
                kind: Chaos
                metadata: {name: toxic}
                spec:
                  %s
                """.formatted(chaos);
    }

    private Socket open() throws IOException {
        PodInfo tools = f.mesh.registry().pod("tools-v1-0").orElseThrow();
        Socket s = new Socket(tools.address(), tools.tcpOutbound().get(DB));
        s.setSoTimeout(10_000);
        return s;
    }

    private static String line(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    @Test
    void latencyOnTheResponseDelaysTheEchoByAtLeastTheInjectedTime() throws Exception {
        // Toxiproxy latency: "Add a delay to all data going through the proxy", here on the downstream (response) stream
        f = MeshFixture.start(mesh("latency: {from: tools, to: db, latency: 400ms, direction: response}"));
        try (Socket s = open()) {
            long start = System.nanoTime();
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(line(s)).startsWith("db-v1-0");
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(400);
        }
    }

    @Test
    void latencyWithJitterInBothDirectionsKeepsEveryChunkInOrder() throws Exception {
        f = MeshFixture.start(mesh("latency: {from: tools, to: db, latency: 60ms, jitter: 50ms, direction: both}"));
        try (Socket s = open()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            for (int i = 1; i <= 5; i++) {
                // one chunk at a time, so the echo app's answer names its size: the sizes come back in order
                s.getOutputStream().write("x".repeat(i).getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                assertThat(in.readLine()).contains("read " + i + " byte");
            }
            // each round trip crosses the link twice, each crossing at least 60 - 50 ms late
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(5 * 2 * 10);
        }
    }

    @Test
    void aPartitionFailsTheConnectionOnTheConnectTimeoutWithFlagUf() throws Exception {
        // Envoy tcp_proxy: an upstream connect failure closes the downstream connection (flag UF)
        f = MeshFixture.start(mesh("partition: {between: [tools, db]}"));
        try (Socket s = open()) {
            long start = System.nanoTime();
            // nothing written: bytes the sidecar never read would turn its close into a reset
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
        }
        await().untilAsserted(() -> assertThat(f.mesh.telemetry().metrics().scrape())
                .containsPattern("istio_tcp_connections_opened_total\\{[^}]*reporter=\"source\"[^}]*response_flags=\"UF\""));
    }

    @Test
    void aResetLinkResetsTheConnectionAfterTheFirstBytes() throws Exception {
        // Toxiproxy reset_peer: "Simulate TCP RESET (Connection reset by peer)"
        f = MeshFixture.start(mesh("reset: {from: tools, to: db, probability: 1}"));
        try (Socket s = open()) {
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            assertThatThrownBy(() -> line(s)).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
    }

    @Test
    void aStalledResponseNeverArrivesAndTheConnectionClosesAfterTheStallTimeout() throws Exception {
        // Toxiproxy timeout: "Stops all data from getting through, and closes the connection after timeout"
        f = MeshFixture.start(mesh("stall: {from: tools, to: db, timeout: 300ms, direction: response}"));
        try (Socket s = open()) {
            long start = System.nanoTime();
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(250);
        }
    }

    @Test
    void aBandwidthCapPacesTheEcho() throws Exception {
        // Toxiproxy bandwidth: "Limit a connection to a maximum number of kilobytes per second"
        f = MeshFixture.start(mesh("bandwidth: {from: tools, to: db, bytesPerSecond: 5000, direction: request}"));
        try (Socket s = open()) {
            long start = System.nanoTime();
            s.getOutputStream().write("y".repeat(2000).getBytes(StandardCharsets.US_ASCII));
            // 2000 bytes at 5000 B/s take 400 ms on the link, however the echo app's reads split them
            int read = 0;
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            while (read < 2000) {
                String l = in.readLine();
                assertThat(l).isNotNull();
                read += Integer.parseInt(l.replaceAll(".* read (\\d+) byte.*", "$1"));
            }
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(380);
        }
    }

    @Test
    void aSlicedRequestReachesTheAppInSlices() throws Exception {
        // Toxiproxy slicer: "Slices TCP data up into small bits, optionally adding a delay between each sliced packet"
        f = MeshFixture.start(mesh("slice: {from: tools, to: db, averageSize: 100, delay: 30ms, direction: request}"));
        try (Socket s = open()) {
            s.getOutputStream().write("z".repeat(300).getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            // three slices 30 ms apart; a busy machine may let two arrive together, never all in one read
            java.util.List<Integer> reads = new java.util.ArrayList<>();
            for (int total = 0; total < 300; ) {
                String l = in.readLine();
                assertThat(l).isNotNull();
                reads.add(Integer.parseInt(l.replaceAll(".* read (\\d+) byte.*", "$1")));
                total += reads.get(reads.size() - 1);
            }
            assertThat(reads).hasSizeGreaterThanOrEqualTo(2).allSatisfy(n -> assertThat(n % 100).isZero());
        }
    }
}
