package dev.loopmesh.mesh;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Auto mTLS for every protocol between sidecars: ALPN by cluster protocol, and TCP. */
class MtlsProtocolsMeshTest {

    static List<String> trace(MeshFixture m, String proxy, String reporter) {
        return m.mesh.telemetry().accessLog().entries(proxy, -1, 100).stream()
                .filter(e -> e.record().reporter().equals(reporter))
                .flatMap(e -> e.record().trace().stream())
                .map(t -> t.substring(t.indexOf(' ') + 1)) // drop the "+12.3ms " offset
                .toList();
    }

    @Test
    void aGrpcClusterSpeaksH2NegotiatedByAlpnAndAnHttpClusterHttp11() {
        // Envoy offers ALPN from the cluster's protocol options; Istio's sidecars accept h2 and http/1.1
        try (MeshFixture m = MeshFixture.start("""
                apiVersion: loopmesh.dev/v1
                kind: Mesh
                metadata: {name: alpn}
                spec:
                  services:
                  - name: front
                    port: 8080
                    workloads: [{version: v1, serviceAccount: front, behavior: {calls: [{service: inventory, path: /inventory.Inventory/GetStock, method: POST, timeout: 3s}]}}]
                  - name: inventory
                    port: 50051
                    protocol: grpc
                    workloads: [{version: v1, serviceAccount: inventory}]
                  ingress:
                    routes: [{prefix: /, service: front}]
                """)) {
            var page = m.tree("/");
            assertThat(MeshFixture.call(page, "inventory").get("status").asInt()).isEqualTo(200);
            assertThat(trace(m, "front-v1-0", "source"))
                    .contains("mTLS to spiffe://cluster.local/ns/default/sa/inventory (TLSv1.3, ALPN h2)");
            assertThat(trace(m, "inventory-v1-0", "destination"))
                    .contains("mTLS from spiffe://cluster.local/ns/default/sa/front (TLSv1.3, ALPN h2)");
            assertThat(trace(m, "front-v1-0", "destination"))
                    .contains("mTLS from spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account (TLSv1.3, ALPN http/1.1)");
        }
    }
}
