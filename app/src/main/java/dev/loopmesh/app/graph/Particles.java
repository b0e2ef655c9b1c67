package dev.loopmesh.app.graph;

import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Dots moving along edges, as many per second as the edge's rate (capped so a busy edge stays
 * readable). Lives on the FX thread only; advanced and drawn once per animation frame.
 */
final class Particles {
    static final double TRAVEL_SECONDS = 1.4;
    static final double MAX_PER_SECOND = 25;
    static final int MAX_PARTICLES = 2000;
    static final double SIZE = 4;

    /** @param errorShare the share of dots drawn in {@code errorColor} (the edge's failure rate) */
    record Lane(EdgeGeometry geometry, double perSecond, Color color, double errorShare, Color errorColor) {
    }

    private static final class Dot {
        final String lane;
        final boolean error;
        double t;

        Dot(String lane, boolean error) {
            this.lane = lane;
            this.error = error;
        }
    }

    private final Map<String, Lane> lanes = new HashMap<>();
    private final Map<String, Double> owed = new HashMap<>();
    private final List<Dot> dots = new ArrayList<>();

    void setLanes(Map<String, Lane> latest) {
        lanes.clear();
        lanes.putAll(latest);
        owed.keySet().retainAll(latest.keySet());
        dots.removeIf(d -> !lanes.containsKey(d.lane));
    }

    void advance(double seconds) {
        double step = seconds / TRAVEL_SECONDS;
        for (Iterator<Dot> it = dots.iterator(); it.hasNext(); ) {
            Dot d = it.next();
            d.t += step;
            if (d.t >= 1) {
                it.remove();
            }
        }
        for (Map.Entry<String, Lane> e : lanes.entrySet()) {
            double rate = Math.min(MAX_PER_SECOND, e.getValue().perSecond());
            double n = owed.getOrDefault(e.getKey(), Math.random()) + rate * seconds;
            while (n >= 1 && dots.size() < MAX_PARTICLES) {
                Dot d = new Dot(e.getKey(), Math.random() < e.getValue().errorShare());
                d.t = Math.random() * step; // spread the dots born in one frame
                dots.add(d);
                n -= 1;
            }
            owed.put(e.getKey(), Math.min(n, 1));
        }
    }

    /** Squares, not circles (fillRect is several times cheaper in the software pipeline), in screen pixels. */
    void draw(GraphicsContext g, double scale, double offsetX, double offsetY) {
        Color current = null;
        double half = SIZE / 2;
        for (Dot d : dots) {
            Lane lane = lanes.get(d.lane);
            if (lane == null) {
                continue;
            }
            Color c = d.error ? lane.errorColor() : lane.color();
            if (c != current) {
                g.setFill(c);
                current = c;
            }
            double x = offsetX + lane.geometry().x(d.t) * scale;
            double y = offsetY + lane.geometry().y(d.t) * scale;
            g.fillRect(x - half, y - half, SIZE, SIZE);
        }
    }

    int size() {
        return dots.size();
    }
}
