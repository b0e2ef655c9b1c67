package dev.loopmesh.workload;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.topology.CallSpec;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.Protocol;
import dev.loopmesh.topology.ServiceSpec;
import dev.loopmesh.topology.WorkloadSpec;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PodOutboundTest {
    private static final MeshSpec MESH = new MeshSpec("m", "default", List.of(
            new ServiceSpec("reviews", "default", 9080, Protocol.HTTP,
                    List.of(new WorkloadSpec("reviews", "default", "v1", 1, null, null, true, null, null, null)), null),
            new ServiceSpec("billing", "finance", 8443, Protocol.HTTP,
                    List.of(new WorkloadSpec("billing", "finance", "v1", 1, null, null, true, null, null, null)), null)),
            null, null, null);

    private static PodInfo pod(boolean sidecar) {
        return new PodInfo("productpage-v1-0", "productpage-v1", "productpage", "default", "v1", "127.1.0.5", "127.1.0.5",
                9080, sidecar ? 15006 : 0, sidecar ? 15001 : 0, 9080, Map.of(), sidecar, "default", Protocol.HTTP);
    }

    private static CallSpec call(String service, String namespace) {
        return new CallSpec(service, namespace, "/", null, null, null, 1, null, null);
    }

    @Test
    void withASidecarEveryCallGoesToThePodsOutboundListener() {
        PodOutbound out = new PodOutbound(pod(true), MESH, (s, n) -> {
            throw new AssertionError("a meshed app does not resolve services itself");
        });

        assertThat(out.address(call("reviews", null))).isEqualTo(new InetSocketAddress("127.1.0.5", 15001));
        assertThat(out.authority(call("reviews", null))).isEqualTo("reviews:9080");
    }

    @Test
    void acrossNamespacesTheHostNamesTheNamespace() {
        PodOutbound out = new PodOutbound(pod(true), MESH, (s, n) -> null);

        assertThat(out.authority(call("billing", "finance"))).isEqualTo("billing.finance:8443");
    }

    @Test
    void withoutASidecarTheResolverPicksTheAddress() {
        InetSocketAddress reviews = new InetSocketAddress("127.1.0.9", 9080);
        PodOutbound out = new PodOutbound(pod(false), MESH, (s, n) -> s.equals("reviews") && n.equals("default") ? reviews : null);

        assertThat(out.address(call("reviews", null))).isEqualTo(reviews);
        assertThat(out.address(call("billing", "finance"))).isNull();
    }
}
