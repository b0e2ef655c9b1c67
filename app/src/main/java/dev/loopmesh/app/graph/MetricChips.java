package dev.loopmesh.app.graph;

import dev.loopmesh.telemetry.EdgeSnapshot;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.text.TextAlignment;
import javafx.scene.transform.Affine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The metric chips: opaque boxes at fixed places on their own canvas (an edge's rps, success % and p99;
 * a version row's rps), placed when the picture is repainted and refreshed in place a few per frame with
 * the latest numbers, so no frame repaints them all.
 */
final class MetricChips {
    static final double CHIP_W = 92;
    static final double CHIP_H = 30;
    static final double ROW_CHIP_W = 58;
    /** Below this scale edge chips would cover the graph: they hide (zoom in to read them). */
    static final double EDGE_CHIPS_MIN_SCALE = 0.5;
    static final double ROW_CHIPS_MIN_SCALE = 0.55;
    /** Where along its edge a chip may sit, in order of preference. */
    private static final double[] ALONG = {0.5, 0.4, 0.6, 0.3, 0.7};

    /** A metric box: an edge's ({@code edgeKey}) or a version row's ({@code workload}), in screen pixels. */
    record Chip(double x, double y, double w, double h, String edgeKey, String workload) {
        /**
         * On whole pixels: a chip is redrawn in place a slice per frame, and at a fraction of a pixel its
         * anti-aliased border, drawn again and again, built up into a dark line along the chip.
         */
        Chip {
            x = Math.round(x);
            y = Math.round(y);
            w = Math.round(w);
            h = Math.round(h);
        }
    }

    private final GraphViewModel vm;
    private final CanvasPalette palette;
    private final GraphFonts fonts;
    final List<Chip> chips = new ArrayList<>();
    private final Map<String, EdgeSnapshot> byKey = new HashMap<>();
    private EdgeLabelMode mode = EdgeLabelMode.ALL;
    private int cursor;

    MetricChips(GraphViewModel vm, CanvasPalette palette, GraphFonts fonts) {
        this.vm = vm;
        this.palette = palette;
        this.fonts = fonts;
    }

    void setMode(EdgeLabelMode m) {
        mode = m;
    }

    boolean isEmpty() {
        return chips.isEmpty();
    }

    int size() {
        return chips.size();
    }

    /** Latest numbers for the chips; no drawing. */
    void updateNumbers(List<EdgeSnapshot> edges) {
        byKey.clear();
        for (EdgeSnapshot e : edges) {
            byKey.put(GraphPainter.key(e), e);
        }
    }

    /** No chips (nothing to show). */
    void clear() {
        chips.clear();
        cursor = 0;
    }

    /** Where the chips go for this picture; the next refresh starts from the first. */
    void place(GraphLayout layout, List<EdgeSnapshot> edges, double scale, double ox, double oy) {
        chips.clear();
        cursor = 0;
        placeChips(layout, edges, scale, ox, oy);
    }

    /** Redraws the next {@code count} chips with the latest numbers (round robin). */
    void refresh(GraphicsContext g, int count) {
        if (chips.isEmpty()) {
            return;
        }
        g.setTransform(new Affine());
        g.setFont(fonts.small());
        g.setTextBaseline(VPos.CENTER);
        int n = Math.min(count, chips.size());
        for (int i = 0; i < n; i++) {
            cursor = cursor % chips.size();
            drawChip(g, chips.get(cursor++));
        }
    }

    private void drawChip(GraphicsContext g, Chip c) {
        if (c.edgeKey() != null) {
            EdgeSnapshot e = byKey.get(c.edgeKey());
            g.setFill(palette.color("label-fill"));
            g.fillRoundRect(c.x(), c.y(), c.w(), c.h(), 8, 8);
            if (e == null) {
                return;
            }
            TrafficStats s = TrafficStats.of(e);
            g.setFill(palette.health(s.health()));
            g.setTextAlign(TextAlignment.CENTER);
            String text = switch (mode) {
                case ALL -> s.label();
                case RPS -> String.format(Locale.ROOT, "%.1f rps", s.rps());
                case SUCCESS -> TrafficStats.percent(s.successRate());
                case P99 -> String.format(Locale.ROOT, "p99 %.0f ms", s.p99Ms());
            };
            g.fillText(text, c.x() + c.w() / 2, c.y() + c.h() / 2);
        } else {
            TrafficStats in = GraphLayout.INGRESS.equals(c.workload()) ? vm.statsOf(new Selection.Service(c.workload()))
                    : vm.statsOf(new Selection.Workload(c.workload()));
            g.setFill(palette.color("row-fill"));
            g.fillRect(c.x(), c.y(), c.w(), c.h());
            if (in.requests() > 0) {
                // the chip is what the version's name leaves of the row: a rate that does not fit loses its decimal,
                // then its unit, rather than run into the name
                String text = String.format(Locale.ROOT, "%.1f rps", in.rps());
                if (fonts.textWidth(text) > c.w()) {
                    text = String.format(Locale.ROOT, "%.0f rps", in.rps());
                }
                if (fonts.textWidth(text) > c.w()) {
                    text = String.format(Locale.ROOT, "%.0f", in.rps());
                }
                g.setFill(palette.color("text-dim"));
                g.setTextAlign(TextAlignment.RIGHT);
                g.fillText(text, c.x() + c.w(), c.y() + c.h() / 2);
            }
        }
    }

    private void placeChips(GraphLayout layout, List<EdgeSnapshot> edges, double scale, double ox, double oy) {
        if (scale >= ROW_CHIPS_MIN_SCALE) {
            for (GraphLayout.Node n : layout.nodes()) {
                for (GraphLayout.Row r : n.rows()) {
                    double right = ox + (r.x() + r.w() - 6) * scale;
                    double cy = oy + (r.y() + r.h() / 2) * scale;
                    // the chip starts after the version's name ("gateway" is longer than "v1"), never over it
                    double free = (r.w() - 6 - 22 - fonts.textWidth(r.version()) - 10) * scale;
                    double cw = Math.max(0, Math.min(ROW_CHIP_W * fonts.textScale(), free));
                    if (cw < 24 * fonts.textScale()) {
                        continue;
                    }
                    double chH = 14 * fonts.textScale();
                    chips.add(new Chip(right - cw, cy - chH / 2, cw, chH, null, r.workload()));
                }
            }
        }
        if (scale < EDGE_CHIPS_MIN_SCALE || mode == null) {
            return;
        }
        double cw = (mode == EdgeLabelMode.ALL ? CHIP_W : 62) * fonts.textScale();
        double ch = (mode == EdgeLabelMode.ALL ? CHIP_H : 18) * fonts.textScale();
        // each chip sits on its edge: at the middle if it is free, else a little before or after it along the
        // curve; only when every such place is taken (or over a box) is it pushed below the chips in its way
        List<Chip> boxes = new ArrayList<>();
        for (GraphLayout.Node n : layout.nodes()) {
            boxes.add(new Chip(ox + n.x() * scale, oy + n.y() * scale, n.w() * scale, n.h() * scale, null, null));
        }
        record Placing(EdgeSnapshot edge, EdgeGeometry geometry) {
        }
        List<Placing> sorted = new ArrayList<>();
        for (EdgeSnapshot e : edges) {
            EdgeGeometry.between(layout, e.source(), e.destination()).ifPresent(g -> sorted.add(new Placing(e, g)));
        }
        sorted.sort(Comparator.comparingDouble(p -> p.geometry().y(0.5)));
        List<Chip> placed = new ArrayList<>();
        for (Placing p : sorted) {
            EdgeSnapshot e = p.edge();
            EdgeGeometry x = p.geometry();
            Chip chosen = null;
            for (double t : ALONG) {
                Chip c = new Chip(ox + x.x(t) * scale - cw / 2, oy + x.y(t) * scale - ch / 2, cw, ch, GraphPainter.key(e), null);
                if (free(c, placed) && free(c, boxes)) {
                    chosen = c;
                    break;
                }
            }
            if (chosen == null) {
                double y = oy + x.y(0.5) * scale - ch / 2;
                double left = ox + x.x(0.5) * scale - cw / 2;
                for (Chip q : placed) {
                    boolean overlapX = left < q.x() + q.w() && q.x() < left + cw;
                    if (overlapX && y < q.y() + ch + 1 && q.y() < y + ch + 1) {
                        y = q.y() + ch + 1;
                    }
                }
                chosen = new Chip(left, y, cw, ch, GraphPainter.key(e), null);
            }
            placed.add(chosen);
        }
        chips.addAll(placed);
    }

    private static boolean free(Chip c, List<Chip> others) {
        for (Chip q : others) {
            if (c.x() < q.x() + q.w() + 1 && q.x() < c.x() + c.w() + 1 && c.y() < q.y() + q.h() + 1 && q.y() < c.y() + c.h() + 1) {
                return false;
            }
        }
        return true;
    }
}
