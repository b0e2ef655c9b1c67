package dev.loopmesh.app.graph;

import dev.loopmesh.telemetry.EdgeSnapshot;
import javafx.scene.paint.Color;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the traffic means for the picture: the signature of what the static picture depends on (so a
 * change of numbers alone does not repaint it), and the lanes the dots run along, one per edge with
 * traffic, at its rate and in its health colour.
 */
final class TrafficLanes {
    /**
     * What the static picture depends on in the edge statistics: which edges exist, their health, mTLS
     * and each workload's health. Numbers alone change only the chips; an edge's width follows its rate
     * at the last repaint (a repaint whenever a rate crosses a width step would repaint all the time).
     */
    static long structure(List<EdgeSnapshot> edges) {
        long h = 17;
        Map<String, long[]> into = new HashMap<>();
        for (EdgeSnapshot e : edges) {
            h = (h * 31 + e.source().hashCode()) * 31 + e.destination().hashCode();
            h = h * 31 + EdgeHealth.of(e.successRate()).ordinal();
            h = h * 31 + (e.mtls() ? 1 : 0);
            long[] c = into.computeIfAbsent(e.destination(), k -> new long[2]);
            c[0] += e.requests();
            c[1] += Double.isNaN(e.successRate()) ? 0 : Math.round(e.successRate() * e.requests());
        }
        for (Map.Entry<String, long[]> x : into.entrySet()) {
            long[] c = x.getValue();
            h = h * 31 + x.getKey().hashCode() * 7L + EdgeHealth.of(c[0] == 0 ? Double.NaN : (double) c[1] / c[0]).ordinal();
        }
        return h;
    }

    /** Edge curves by edge key for the current layout: the lanes are rebuilt ten times a second. */
    private final Map<String, Optional<EdgeGeometry>> geometry = new HashMap<>();
    private GraphLayout geometryLayout;

    Map<String, Particles.Lane> of(GraphLayout layout, List<EdgeSnapshot> edges, CanvasPalette palette) {
        if (layout != geometryLayout) {
            geometry.clear();
            geometryLayout = layout;
        }
        Map<String, Particles.Lane> lanes = new HashMap<>();
        Color failing = palette.color("failing");
        for (EdgeSnapshot e : edges) {
            String key = GraphPainter.key(e);
            Optional<EdgeGeometry> geo = geometry.computeIfAbsent(key, k -> EdgeGeometry.between(layout, e.source(), e.destination()));
            geo.ifPresent(g -> lanes.put(key, new Particles.Lane(g, e.rps(),
                    palette.health(EdgeHealth.of(e.successRate())), Double.isNaN(e.successRate()) ? 0 : 1 - e.successRate(), failing)));
        }
        return lanes;
    }
}
