package dev.loopmesh.app.graph;

import dev.loopmesh.topology.TopologyLoader;
import dev.loopmesh.telemetry.EdgeSnapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GraphViewModelTest {
    private final GraphViewModel vm = new GraphViewModel();

    static EdgeSnapshot edge(String from, String to, long requests, long failed, double p99) {
        return new EdgeSnapshot(from, to, to.replaceAll("-v\\d+$", "") + ".default.svc.cluster.local", 10, requests,
                requests / 10.0, (double) (requests - failed) / requests, p99 / 3, p99 / 2, p99,
                failed == 0 ? Map.of("200", requests) : Map.of("200", requests - failed, "503", failed),
                failed == 0 ? Map.of() : Map.of("UO", failed), false);
    }

    @BeforeEach
    void showBookinfoWithTraffic() {
        vm.showMesh(new TopologyLoader().builtIn().mesh());
        vm.updateEdges(List.of(
                edge(GraphLayout.INGRESS, "productpage-v1", 200, 0, 40),
                edge("productpage-v1", "reviews-v1", 100, 0, 10),
                edge("productpage-v1", "reviews-v2", 60, 6, 30),
                edge("productpage-v1", "reviews-v3", 40, 0, 20)));
    }

    @Test
    void aFaultOnTheIngressEdgeBadgesThatEdge() {
        dev.loopmesh.app.faults.FaultTarget.Edge target = new dev.loopmesh.app.faults.FaultTarget.Edge(GraphLayout.INGRESS, GraphLayout.INGRESS, "",
                "productpage-v1", "productpage");
        vm.showFaults(List.of(new dev.loopmesh.app.faults.ActiveFault("fault-1",
                dev.loopmesh.app.faults.FaultRequest.delay(target, 500, 100), java.time.Instant.EPOCH)));

        assertThat(vm.decorations().edge(GraphLayout.INGRESS, vm.serviceOfWorkload("productpage-v1")))
                .singleElement().satisfies(b -> assertThat(b.kind()).isEqualTo(Badge.Kind.FAULT));
    }

    @Test
    void selectingAServiceShowsTheTrafficIntoAllItsVersions() {
        vm.select(new Selection.Service("reviews"));

        TrafficStats s = vm.selectedStatsProperty().get();
        assertThat(s.requests()).isEqualTo(200);
        assertThat(s.rps()).isCloseTo(20.0, within(1e-9));
        assertThat(s.successRate()).isCloseTo(194 / 200.0, within(1e-9));
        assertThat(s.p99Ms()).isEqualTo(30);
        assertThat(s.responses()).containsEntry("200", 194L).containsEntry("503", 6L);
        assertThat(s.responseFlags()).containsEntry("UO", 6L);
        assertThat(s.health()).isEqualTo(EdgeHealth.DEGRADED);
    }

    @Test
    void clickingAVersionRowSelectsThatWorkload() {
        GraphLayout.Row v2 = vm.layout().row("reviews-v2").orElseThrow();

        vm.selectAt(v2.x() + 5, v2.y() + 5);

        assertThat(vm.selection()).isEqualTo(new Selection.Workload("reviews-v2"));
        assertThat(vm.selectedStatsProperty().get().requests()).isEqualTo(60);
    }

    @Test
    void clickingNearAnEdgeSelectsIt() {
        EdgeGeometry g = EdgeGeometry.between(vm.layout(), "productpage-v1", "reviews-v3").orElseThrow();

        vm.selectAt(g.x(0.5), g.y(0.5) + 2);

        assertThat(vm.selection()).isEqualTo(new Selection.Edge("productpage-v1", "reviews-v3"));
        assertThat(vm.selectedStatsProperty().get().label()).isEqualTo("4.0 rps\n100% · 20ms");
    }

    @Test
    void clickingEmptySpaceClearsTheSelection() {
        vm.select(new Selection.Service("reviews"));

        vm.selectAt(-100, -100);

        assertThat(vm.selection()).isEqualTo(Selection.NONE);
        assertThat(vm.selectedStatsProperty().get()).isEqualTo(TrafficStats.NONE);
    }

    @Test
    void newNumbersUpdateTheSelectedNumbers() {
        vm.select(new Selection.Workload("reviews-v1"));

        vm.updateEdges(List.of(edge("productpage-v1", "reviews-v1", 10, 5, 10)));

        assertThat(vm.selectedStatsProperty().get().health()).isEqualTo(EdgeHealth.FAILING);
        assertThat(vm.healthOf("reviews")).isEqualTo(EdgeHealth.FAILING);
        assertThat(vm.healthOf("ratings")).isEqualTo(EdgeHealth.IDLE);
    }
}
