package dev.loopmesh.app.graph;

import dev.loopmesh.topology.TopologyLoader;
import dev.loopmesh.topology.BehaviorSpec;
import dev.loopmesh.topology.CallSpec;
import dev.loopmesh.topology.IngressSpec;
import dev.loopmesh.topology.LatencySpec;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.Protocol;
import dev.loopmesh.topology.ServiceSpec;
import dev.loopmesh.topology.WorkloadSpec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GraphLayoutTest {

    static ServiceSpec service(String name, String... calls) {
        List<CallSpec> c = Arrays.stream(calls).map(s -> new CallSpec(s, "default", "/", "GET", Map.of(), null, 1, List.of(), null)).toList();
        BehaviorSpec b = new BehaviorSpec(LatencySpec.ZERO, 0, 500, 0, Map.of(), c, false, false, 500);
        return new ServiceSpec(name, "default", 9080, Protocol.HTTP,
                List.of(new WorkloadSpec(name, "default", "v1", 1, null, Map.of(), true, b, null, null)), null);
    }

    static MeshSpec mesh(String entry, ServiceSpec... services) {
        return new MeshSpec("m", "default", List.of(services),
                new IngressSpec(List.of(new IngressSpec.Route("/", entry, "default", null))), List.of(), null);
    }

    @Test
    void bookinfoIsLayeredFromTheIngressLeftToRight() {
        GraphLayout layout = GraphLayout.of(new TopologyLoader().builtIn().mesh());

        assertThat(layout.layerOf(GraphLayout.INGRESS)).isZero();
        assertThat(layout.layerOf("productpage")).isEqualTo(1);
        assertThat(layout.layerOf("details")).isEqualTo(2);
        assertThat(layout.layerOf("reviews")).isEqualTo(2);
        assertThat(layout.layerOf("ratings")).isEqualTo(3);
        assertThat(layout.node("reviews").orElseThrow().rows()).extracting(GraphLayout.Row::workload)
                .containsExactly("reviews-v1", "reviews-v2", "reviews-v3");
        assertThat(layout.node("ratings").orElseThrow().x()).isGreaterThan(layout.node("reviews").orElseThrow().x());
    }

    @Test
    void aServiceCalledDirectlyAndThroughAnotherSitsAfterTheLongestPath() {
        GraphLayout layout = GraphLayout.of(mesh("a", service("a", "b", "c"), service("b", "c"), service("c")));

        assertThat(layout.layerOf("b")).isEqualTo(2);
        assertThat(layout.layerOf("c")).isEqualTo(3);
    }

    @Test
    void aCallCycleStillGivesEveryServiceALayer() {
        GraphLayout layout = GraphLayout.of(mesh("a", service("a", "b"), service("b", "a"), service("lonely")));

        assertThat(layout.nodes()).extracting(GraphLayout.Node::id).containsExactlyInAnyOrder(GraphLayout.INGRESS, "a", "b", "lonely");
        assertThat(layout.layerOf("lonely")).isEqualTo(1);
        assertThat(layout.nodes()).allSatisfy(n -> assertThat(n.layer()).isBetween(0, 4));
    }

    @Test
    void boxesOfOneLayerDoNotOverlap() {
        GraphLayout layout = GraphLayout.of(new TopologyLoader().builtIn().mesh());
        GraphLayout.Node details = layout.node("details").orElseThrow();
        GraphLayout.Node reviews = layout.node("reviews").orElseThrow();

        assertThat(details.y() + details.h()).isLessThan(reviews.y());
        assertThat(layout.width()).isGreaterThan(reviews.x() + reviews.w());
    }
}
