package dev.loopmesh.dataplane;

import dev.loopmesh.policy.authn.TlsOrigination;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.telemetry.LiveMesh;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Istio's auto mTLS for TCP: a caller's relay toward a tcp service with a sidecar originates mTLS
 * (ALPN none, the server's SAN checked), and the server's inbound terminates it, even under STRICT. The
 * caller's relay is started on a test listener: it stands for the outbound TCP listener a client pod's
 * bytes would reach.
 */
class TcpMtlsTest {
    static final String MESH = """
            apiVersion: loopmesh.dev/v1
            kind: Mesh
            metadata: {name: tcp-mtls}
            spec:
              namespace: default
              services:
              - {name: db, port: 5432, protocol: tcp, workloads: [{version: v1, serviceAccount: db}]}
              - {name: legacy-db, port: 5433, protocol: tcp, workloads: [{version: v1, sidecar: false}]}
              - {name: sleep, port: 80, workloads: [{version: v1, serviceAccount: sleep}]}
            ---
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: default, namespace: default}
            spec: {mtls: {mode: STRICT}}
            """;

    /** A listener whose connections the client proxy relays to {@code service}'s first endpoint. */
    static Channel relayListener(LiveMesh m, Proxy client, String service, int port) {
        ClusterRuntime cluster = client.cluster("outbound|" + port + "||" + service + ".default.svc.cluster.local");
        Endpoint e = cluster.config().endpoints().get(0);
        return new ServerBootstrap().group(m.mesh.eventLoops().group()).channel(m.mesh.eventLoops().serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("tcp", TcpRelay.toUpstream(client, cluster, e));
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    /** Sends a line through the listener; the tcp app answers with a line naming its pod; null when closed. */
    static String roundTrip(Channel listener) throws IOException {
        InetSocketAddress at = (InetSocketAddress) listener.localAddress();
        try (Socket s = new Socket(at.getAddress(), at.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        } catch (java.net.SocketException reset) {
            return null;
        }
    }

    @Test
    void tcpBetweenSidecarsIsMutualTlsAndStrictAcceptsIt() throws IOException {
        try (LiveMesh m = LiveMesh.start(MESH)) {
            Proxy sleep = m.mesh.proxy("sleep-v1-0").orElseThrow();
            Channel listener = relayListener(m, sleep, "db", 5432);
            try {
                assertThat(roundTrip(listener)).contains("db-v1-0");
                assertThat(m.mesh.security().refusals()).doesNotContainKey("db-v1-0");
                // both reporters know the connection was mTLS and who was on each end
                await().untilAsserted(() -> assertThat(m.mesh.telemetry().metrics().scrape())
                        .containsPattern("istio_tcp_connections_opened_total\\{[^}]*connection_security_policy=\"mutual_tls\"[^}]*"
                                + "destination_workload=\"db-v1\"[^}]*reporter=\"destination\"[^}]*"
                                + "source_principal=\"spiffe://cluster.local/ns/default/sa/sleep\"[^}]*} 1.0")
                        .containsPattern("istio_tcp_received_bytes_total\\{[^}]*destination_principal=\"spiffe://cluster.local/ns/default/sa/db\""
                                + "[^}]*reporter=\"source\"[^}]*source_workload=\"sleep-v1\"[^}]*} 6.0"));
            } finally {
                listener.close().syncUninterruptibly();
            }
        }
    }

    @Test
    void aTcpServerWithoutSidecarGetsPlaintextAndADisablingDestinationRuleMeetsStrictsReset() throws IOException {
        try (LiveMesh m = LiveMesh.start(MESH + """
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: db, namespace: default}
                spec: {host: db, trafficPolicy: {tls: {mode: DISABLE}}}
                """)) {
            Proxy sleep = m.mesh.proxy("sleep-v1-0").orElseThrow();
            Channel legacy = relayListener(m, sleep, "legacy-db", 5433);
            Channel db = relayListener(m, sleep, "db", 5432);
            try {
                // auto mTLS sends plaintext to a pod without a sidecar
                assertThat(roundTrip(legacy)).contains("legacy-db-v1-0");
                // IST0113: plaintext by DestinationRule toward STRICT is reset
                assertThat(roundTrip(db)).isNull();
                await().untilAsserted(() -> assertThat(m.mesh.security().refusalLog())
                        .anyMatch(l -> l.startsWith("db-v1-0: plaintext refused")));
            } finally {
                legacy.close().syncUninterruptibly();
                db.close().syncUninterruptibly();
            }
        }
    }

    @Test
    void anAuthorizationPolicyOnATcpWorkloadClosesConnectionsItDenies() throws IOException {
        // Istio task "Authorization for TCP traffic": principals over mTLS; HTTP-only fields in ALLOW match nothing
        try (LiveMesh m = LiveMesh.start(MESH + """
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: db-from-sleep, namespace: default}
                spec:
                  selector: {matchLabels: {app: db}}
                  action: ALLOW
                  rules: [{from: [{source: {principals: ["cluster.local/ns/default/sa/sleep"]}}], to: [{operation: {ports: ["5432"]}}]}]
                """)) {
            Proxy sleep = m.mesh.proxy("sleep-v1-0").orElseThrow();
            Channel db = relayListener(m, sleep, "db", 5432);
            try {
                assertThat(roundTrip(db)).contains("db-v1-0");
                assertThat(m.apply("""
                        apiVersion: security.istio.io/v1
                        kind: AuthorizationPolicy
                        metadata: {name: db-from-sleep, namespace: default}
                        spec:
                          selector: {matchLabels: {app: db}}
                          action: ALLOW
                          rules: [{to: [{operation: {methods: ["GET"], ports: ["5432"]}}]}]
                        """).allAccepted()).isTrue();
                assertThat(roundTrip(db)).isNull();
                await().untilAsserted(() -> assertThat(m.mesh.security().refusalLog())
                        .anyMatch(l -> l.startsWith("db-v1-0: RBAC: connection denied") && l.endsWith("spiffe://cluster.local/ns/default/sa/sleep")));
            } finally {
                db.close().syncUninterruptibly();
            }
        }
    }

    @Test
    void theRelayDecidesItsTlsAsAutoMtlsDoes() {
        try (LiveMesh m = LiveMesh.start(MESH)) {
            Proxy sleep = m.mesh.proxy("sleep-v1-0").orElseThrow();
            ClusterRuntime db = sleep.cluster("outbound|5432||db.default.svc.cluster.local");
            ClusterRuntime legacy = sleep.cluster("outbound|5433||legacy-db.default.svc.cluster.local");
            assertThat(TcpRelay.toUpstream(sleep, db, db.config().endpoints().get(0)).tls()).isEqualTo(TlsOrigination.Kind.ISTIO_MUTUAL);
            assertThat(TcpRelay.toUpstream(sleep, legacy, legacy.config().endpoints().get(0)).tls()).isEqualTo(TlsOrigination.Kind.PLAINTEXT);
        }
    }
}
