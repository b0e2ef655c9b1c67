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

    @Test
    void twoHundredServicesWrapTheirTallLayersToTheViewsShapeWithoutOverlapAndAlwaysTheSame() {
        MeshSpec big = dev.loopmesh.app.perf.PerfReport.generated(8).mesh();
        GraphLayout column = GraphLayout.of(big, 0.05);
        GraphLayout wide = GraphLayout.of(big, 1.6);

        // 40 services a layer in one column is a strip 3 times taller than wide; wrapped, it nears the view's shape
        assertThat(column.width() / column.height()).isLessThan(0.4);
        assertThat(wide.width() / wide.height()).isBetween(1.0, 2.6);
        double fitColumn = Math.min(1.6 / column.width(), 1 / column.height());
        double fitWide = Math.min(1.6 / wide.width(), 1 / wide.height());
        assertThat(fitWide).isGreaterThan(2 * fitColumn);
        assertThat(GraphLayout.of(big, 1.6).nodes()).isEqualTo(wide.nodes());
        for (GraphLayout.Node a : wide.nodes()) {
            for (GraphLayout.Node b : wide.nodes()) {
                if (a != b) {
                    boolean apart = a.x() + a.w() <= b.x() || b.x() + b.w() <= a.x() || a.y() + a.h() <= b.y() || b.y() + b.h() <= a.y();
                    assertThat(apart).as("%s and %s overlap", a.id(), b.id()).isTrue();
                }
            }
            assertThat(a.x() + a.w()).isLessThanOrEqualTo(wide.width());
            assertThat(a.y() + a.h()).isLessThanOrEqualTo(wide.height());
        }
        // callers still sit left of what they call
        assertThat(wide.node("s1-0").orElseThrow().x()).isGreaterThan(wide.node("s0-39").orElseThrow().x() + GraphLayout.NODE_WIDTH);
    }

    @Test
    void aSmallMeshDoesNotWrap() {
        GraphLayout layout = GraphLayout.of(new TopologyLoader().builtIn().mesh(), 1.6);

        assertThat(layout.node("details").orElseThrow().x()).isEqualTo(layout.node("reviews").orElseThrow().x());
        assertThat(GraphLayout.of(new TopologyLoader().builtIn().mesh(), 3).nodes()).isEqualTo(layout.nodes());
    }
}
