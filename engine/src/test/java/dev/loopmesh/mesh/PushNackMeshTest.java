package dev.loopmesh.mesh;

import dev.loopmesh.Mesh;
import dev.loopmesh.MeshOptions;
import dev.loopmesh.controlplane.ApplyResult;
import dev.loopmesh.controlplane.ConfigEvent;
import dev.loopmesh.controlplane.MeshTranslator;
import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.Translator;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.TopologyLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A snapshot the translator found invalid is refused by its proxy (NACK) and the last good one keeps running
 * (Envoy's xDS: a rejected update leaves the previous config in place), while other proxies take theirs.
 */
class PushNackMeshTest {
    private static final String YAML = """
            apiVersion: loopmesh.dev/v1
            kind: Mesh
            metadata: {name: nack}
            spec:
              namespace: default
              services:
              - {name: front, port: 8080, workloads: [{version: v1}]}
              - {name: back, port: 8080, workloads: [{version: v1}]}
            """;
    private static final String ROUTE = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: back}
            spec:
              hosts: [back]
              http:
              - route: [{destination: {host: back}}]
                timeout: 2s
            """;

    private Mesh mesh;

    @AfterEach
    void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    void aProxyRefusesASnapshotTheTranslatorFoundInvalidAndKeepsItsLastGoodOne() {
        mesh = Mesh.start(new TopologyLoader().loadString("nack.yaml", YAML), MeshOptions.forTests(), new InvalidFor("front-v1-0"));
        String front = "front-v1-0";
        String back = "back-v1-0";
        long frontBefore = mesh.proxy(front).orElseThrow().snapshot().version();

        ApplyResult r = mesh.apply(mesh.parseResources(ROUTE));

        assertThat(r.allAccepted()).isTrue();
        assertThat(mesh.proxy(front).orElseThrow().snapshot().version()).isEqualTo(frontBefore);
        assertThat(mesh.proxy(front).orElseThrow().snapshot().invalid()).isEmpty();
        assertThat(mesh.proxy(back).orElseThrow().snapshot().version()).isEqualTo(r.version());
        assertThat(mesh.controlPlane().events(0)).filteredOn(e -> e.type() == ConfigEvent.Type.NACKED)
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.proxies()).containsExactly(front);
                    assertThat(e.detail()).isEqualTo("cluster outbound|8080||back.default.svc.cluster.local: maxConnections 0 (expected: >= 1)");
                });
    }

    /** The mesh's translation, except that once a VirtualService is applied one proxy's snapshot is marked invalid. */
    private static final class InvalidFor implements Translator {
        private final MeshTranslator real = new MeshTranslator();
        private final String proxy;

        InvalidFor(String proxy) {
            this.proxy = proxy;
        }

        @Override
        public List<Problem> validate(MeshResource resource, Registry registry) {
            return real.validate(resource, registry);
        }

        @Override
        public Map<String, ProxySnapshot> translate(Registry registry, List<MeshResource> resources, long version) {
            Map<String, ProxySnapshot> out = new LinkedHashMap<>(real.translate(registry, resources, version));
            if (resources.stream().anyMatch(r -> r.kind().equals("VirtualService"))) {
                ProxySnapshot s = out.get(proxy);
                out.put(proxy, new ProxySnapshot(s.proxy(), s.version(), s.routes(), s.clusters(), s.inbound(), s.resources(), s.tcpRoutes(),
                        "cluster outbound|8080||back.default.svc.cluster.local: maxConnections 0 (expected: >= 1)"));
            }
            return out;
        }
    }
}
