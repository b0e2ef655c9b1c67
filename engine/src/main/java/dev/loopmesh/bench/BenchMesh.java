package dev.loopmesh.bench;

import dev.loopmesh.Mesh;
import dev.loopmesh.MeshOptions;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.internal.TimeScale;
import dev.loopmesh.telemetry.tracing.Sampler;
import dev.loopmesh.topology.TopologyLoader;

import java.net.InetSocketAddress;
import java.util.SplittableRandom;

/**
 * The mesh the throughput bench runs against: an app that answers at once with a padded body
 * ({@code bench-server}) and a client pod ({@code bench-client}) whose sidecar's outbound listener the
 * bench uses as its HTTP proxy, as an app with {@code HTTP_PROXY} would.
 */
final class BenchMesh implements AutoCloseable {
    static final String SERVER = "bench-server";
    static final String SERVER_MTLS = "bench-server-mtls";
    static final String CLIENT = "bench-client";
    static final int SERVER_PORT = 8080;

    final Mesh mesh;
    final PodInfo server;
    final PodInfo serverMtls;
    final PodInfo client;

    private BenchMesh(Mesh mesh) {
        this.mesh = mesh;
        this.server = pod(mesh, SERVER);
        this.serverMtls = pod(mesh, SERVER_MTLS);
        this.client = pod(mesh, CLIENT);
    }

    static String topology(int responseBytes) {
        return """
                apiVersion: loopmesh.dev/v1
                kind: Mesh
                metadata: {name: bench}
                spec:
                  namespace: default
                  services:
                  - name: %s
                    port: %d
                    workloads:
                    - version: v1
                      behavior: {responseSize: %d}
                  - name: %s
                    port: %d
                    workloads:
                    - version: v1
                      behavior: {responseSize: %d}
                  - name: %s
                    port: 8081
                    workloads:
                    - {version: v1}
                ---
                # the plaintext mesh path: auto mTLS stays off toward a server whose PeerAuthentication is DISABLE
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: plaintext, namespace: default}
                spec:
                  selector: {matchLabels: {app: %s}}
                  mtls: {mode: DISABLE}
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: strict, namespace: default}
                spec:
                  selector: {matchLabels: {app: %s}}
                  mtls: {mode: STRICT}
                """.formatted(SERVER, SERVER_PORT, responseBytes, SERVER_MTLS, SERVER_PORT, responseBytes, CLIENT, SERVER, SERVER_MTLS);
    }

    /** @param tracePercent share of requests traced, NaN for the engine's default */
    static BenchMesh start(int responseBytes, double tracePercent) {
        MeshOptions options = new MeshOptions(0, -1, false, TimeScale.REAL, 1);
        Mesh mesh = Mesh.start(new TopologyLoader().loadString("bench.yaml", topology(responseBytes)), options);
        if (!Double.isNaN(tracePercent)) {
            mesh.telemetry().tracer().sampler(Sampler.percent(tracePercent, new SplittableRandom(1)));
        }
        return new BenchMesh(mesh);
    }

    private static PodInfo pod(Mesh mesh, String service) {
        return mesh.registry().pods().stream().filter(p -> p.service().equals(service)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no pod of " + service));
    }

    /** The Host the client names: the service and its port, as an app in the mesh would. */
    String authority() {
        return SERVER + ":" + SERVER_PORT;
    }

    /** The Host for the mTLS path: the server behind a STRICT PeerAuthentication. */
    String mtlsAuthority() {
        return SERVER_MTLS + ":" + SERVER_PORT;
    }

    InetSocketAddress app() {
        return new InetSocketAddress(server.appHost(), server.appPort());
    }

    InetSocketAddress serverInbound() {
        return new InetSocketAddress(server.address(), server.inboundPort());
    }

    InetSocketAddress clientOutbound() {
        return new InetSocketAddress(client.address(), client.outboundPort());
    }

    @Override
    public void close() {
        mesh.close();
    }
}
