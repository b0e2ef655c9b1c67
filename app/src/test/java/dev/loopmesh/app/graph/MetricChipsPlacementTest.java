package dev.loopmesh.app.graph;

import dev.loopmesh.topology.TopologyLoader;
import javafx.scene.canvas.Canvas;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.List;
import java.util.Map;

import static dev.loopmesh.app.graph.GraphViewModelTest.edge;
import static org.assertj.core.api.Assertions.assertThat;

/** Bookinfo's edge chips sit on their edges without covering each other or a box, and no dot is drawn over one. */
@ExtendWith(ApplicationExtension.class)
class MetricChipsPlacementTest {
    private CanvasPalette palette;

    @Start
    void start(Stage stage) {
        palette = PaletteStage.show(stage);
    }

    @Test
    void chipsOverlapNeitherEachOtherNorBoxesAndHideTheDotsUnderThem() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            palette.applyCss();
            GraphViewModel vm = new GraphViewModel();
            vm.showMesh(new TopologyLoader().builtIn().mesh());
            vm.updateEdges(List.of(
                    edge(GraphLayout.INGRESS, "productpage-v1", 200, 0, 40),
                    edge("productpage-v1", "details-v1", 200, 0, 10),
                    edge("productpage-v1", "reviews-v1", 70, 0, 10),
                    edge("productpage-v1", "reviews-v2", 70, 0, 30),
                    edge("productpage-v1", "reviews-v3", 60, 0, 20),
                    edge("reviews-v2", "ratings-v1", 70, 0, 8),
                    edge("reviews-v3", "ratings-v1", 60, 0, 9)));
            GraphPainter painter = new GraphPainter(vm, palette);
            GraphLayout layout = vm.layout();
            int w = (int) Math.ceil(layout.width());
            int h = (int) Math.ceil(layout.height());
            DotLayer dots = new DotLayer();
            dots.place(0, 0, w, h);

            painter.paintStatic(new Canvas(w, h).getGraphicsContext2D(), new Canvas(w, h).getGraphicsContext2D(), dots, w, h, 1, 0, 0);

            List<MetricChips.Chip> edgeChips = painter.chips().chips.stream().filter(c -> c.edgeKey() != null).toList();
            assertThat(edgeChips).hasSize(7);
            for (MetricChips.Chip a : edgeChips) {
                for (MetricChips.Chip b : edgeChips) {
                    if (a != b) {
                        assertThat(overlap(a, b)).as("%s and %s", a, b).isFalse();
                    }
                }
                for (GraphLayout.Node n : layout.nodes()) {
                    assertThat(overlap(a, new MetricChips.Chip(n.x(), n.y(), n.w(), n.h(), null, null))).as("%s on %s", a, n.id()).isFalse();
                }
            }

            // a dot on the edge where its chip is: not drawn; one elsewhere on the same edge: drawn
            MetricChips.Chip chip = edgeChips.get(0);
            String[] ends = chip.edgeKey().split("→");
            EdgeGeometry g = EdgeGeometry.between(layout, ends[0], ends[ends.length - 1]).orElseThrow();
            Particles particles = new Particles();
            particles.setLanes(Map.of("lane", new Particles.Lane(g, 25, 0xff00ff00, 0, 0xffff0000)));
            for (int i = 0; i < 40; i++) {
                particles.advance(0.05);
            }
            dots.draw(particles, 1, 0, 0);
            int[] inside = {0};
            int[] outside = {0};
            particles.forEach(1, 0, 0, (x, y, argb) -> {
                boolean under = x >= chip.x() && x <= chip.x() + chip.w() && y >= chip.y() && y <= chip.y() + chip.h();
                boolean shown = dots.pixel((int) Math.round(x), (int) Math.round(y)) == argb;
                if (under) {
                    assertThat(shown).as("a dot under the chip at %.0f,%.0f", x, y).isFalse();
                    inside[0]++;
                } else if (x > chip.x() + chip.w() + DotLayer.SIZE || x < chip.x() - DotLayer.SIZE) {
                    assertThat(shown).as("a dot clear of the chip at %.0f,%.0f", x, y).isTrue();
                    outside[0]++;
                }
            });
            assertThat(inside[0]).isPositive();
            assertThat(outside[0]).isPositive();
            return null;
        }).get();
    }

    private static boolean overlap(MetricChips.Chip a, MetricChips.Chip b) {
        return a.x() < b.x() + b.w() && b.x() < a.x() + a.w() && a.y() < b.y() + b.h() && b.y() < a.y() + a.h();
    }
}
