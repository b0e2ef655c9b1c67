package dev.loopmesh.app.graph;

import javafx.scene.paint.Color;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Dots moving along edges, as many per second as the edge's rate (capped so a busy edge stays
 * readable). Lives on the FX thread only; advanced and drawn once per animation frame. A dot holds its
 * lane itself, so a frame walks the dots without a map look-up each.
 */
final class Particles {
    static final double TRAVEL_SECONDS = 1.4;
    static final double MAX_PER_SECOND = 25;
    static final int MAX_PARTICLES = 2000;

    /** @param errorShare the share of dots drawn in {@code errorArgb} (the edge's failure rate) */
    record Lane(EdgeGeometry geometry, double perSecond, int argb, double errorShare, int errorArgb) {
        Lane(EdgeGeometry geometry, double perSecond, Color color, double errorShare, Color errorColor) {
            this(geometry, perSecond, Particles.argb(color), errorShare, Particles.argb(errorColor));
        }
    }

    /** A lane as the dots see it: updated in place while its edge lives, dropped when it goes. */
    private static final class Track {
        Lane lane;
        double owed = Math.random();
        boolean live = true;

        Track(Lane lane) {
            this.lane = lane;
        }
    }

    private static final class Dot {
        final Track track;
        final boolean error;
        double t;

        Dot(Track track, boolean error) {
            this.track = track;
            this.error = error;
        }
    }

    private final Map<String, Track> tracks = new HashMap<>();
    private final List<Dot> dots = new ArrayList<>();

    void setLanes(Map<String, Lane> latest) {
        for (Iterator<Map.Entry<String, Track>> it = tracks.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Track> e = it.next();
            Lane now = latest.get(e.getKey());
            if (now == null) {
                e.getValue().live = false;
                it.remove();
            } else {
                e.getValue().lane = now;
            }
        }
        latest.forEach((key, lane) -> tracks.computeIfAbsent(key, k -> new Track(lane)));
        dots.removeIf(d -> !d.track.live);
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
        for (Track track : tracks.values()) {
            Lane lane = track.lane;
            double n = track.owed + Math.min(MAX_PER_SECOND, lane.perSecond()) * seconds;
            while (n >= 1 && dots.size() < MAX_PARTICLES) {
                Dot d = new Dot(track, Math.random() < lane.errorShare());
                d.t = Math.random() * step; // spread the dots born in one frame
                dots.add(d);
                n -= 1;
            }
            track.owed = Math.min(n, 1);
        }
    }

    /** Where each dot is now, in pixels of a view of {@code scale} and offset, and its colour as opaque ARGB. */
    void forEach(double scale, double offsetX, double offsetY, DotSink sink) {
        for (int i = 0, n = dots.size(); i < n; i++) {
            Dot d = dots.get(i);
            Lane lane = d.track.lane;
            EdgeGeometry g = lane.geometry();
            sink.dot(offsetX + g.x(d.t) * scale, offsetY + g.y(d.t) * scale, d.error ? lane.errorArgb() : lane.argb());
        }
    }

    interface DotSink {
        void dot(double x, double y, int argb);
    }

    static int argb(Color c) {
        return 0xff000000 | (int) Math.round(c.getRed() * 255) << 16 | (int) Math.round(c.getGreen() * 255) << 8
                | (int) Math.round(c.getBlue() * 255);
    }

    int size() {
        return dots.size();
    }
}
