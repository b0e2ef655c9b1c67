package dev.loopmesh.app.graph;

import dev.loopmesh.telemetry.EdgeSnapshot;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;
import javafx.scene.transform.Affine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Draws the graph in two parts: the static picture (edges batched into one path per colour and width,
 * then the boxes ({@link NodePainter}), badges and locks), repainted only when the picture changes; and
 * the metric chips ({@link MetricChips}), refreshed in place a few per frame.
 */
final class GraphPainter {
    /**
     * Below this scale the boxes' text would be under six pixels high: the picture leaves out text,
     * arrow heads and locks and draws plain rectangles (a 200-service mesh fitted to the window is at
     * about 0.17; there, text drawn as glyph outlines was most of a repaint's cost in the software
     * pipeline). Zoom in and they come back.
     */
    static final double DETAIL_MIN_SCALE = 0.45;

    /** Where a badge or lock is, in layout units, and what its tooltip says. */
    record Hit(double x, double y, double w, double h, String text) {
        boolean contains(double px, double py) {
            return px >= x && px <= x + w && py >= y && py <= y + h;
        }
    }

    private final GraphViewModel vm;
    private final CanvasPalette palette;
    private final GraphFonts fonts = new GraphFonts();
    final List<Hit> hits = new ArrayList<>();
    private final MetricChips chips;
    private final NodePainter nodes;
    private boolean detailed = true;
    private double scale = 1;

    GraphPainter(GraphViewModel vm, CanvasPalette palette) {
        this.vm = vm;
        this.palette = palette;
        this.chips = new MetricChips(vm, palette, fonts);
        this.nodes = new NodePainter(vm, palette, fonts, hits);
    }

    /** Larger text for a projector: 1 is normal. */
    void setTextScale(double s) {
        fonts.setTextScale(s);
    }

    void setMode(EdgeLabelMode m) {
        chips.setMode(m);
    }

    /** Whether the last repaint drew on the canvas (zoomed far out it draws into the dot layer's pixels only). */
    boolean drewOnCanvas() {
        return detailed || vm.layout().nodes().isEmpty();
    }

    /** The metric chips of the last repaint, refreshed a slice at a time between repaints. */
    MetricChips chips() {
        return chips;
    }

    static String key(EdgeSnapshot e) {
        return e.source() + "→" + e.destination();
    }

    /** Latest numbers for the chips; no drawing. */
    void updateNumbers(List<EdgeSnapshot> edges) {
        chips.updateNumbers(edges);
    }

    /** The whole static picture, then every chip (whose canvas lies exactly over this one and is already cleared). */
    void paintStatic(GraphicsContext g, GraphicsContext chipG, DotLayer under, double w, double h, double scale, double ox, double oy) {
        g.setTransform(new Affine());
        g.clearRect(0, 0, w, h);
        chips.clear();
        hits.clear();
        GraphLayout layout = vm.layout();
        if (layout.nodes().isEmpty()) {
            g.setFill(palette.color("text-dim"));
            g.setFont(fonts.title());
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.CENTER);
            g.fillText("No mesh running", w / 2, h / 2);
            return;
        }
        g.setTransform(new Affine(scale, 0, ox, 0, scale, oy));
        this.scale = scale;
        detailed = scale >= DETAIL_MIN_SCALE;
        nodes.setDetailed(detailed);
        List<EdgeSnapshot> edges = vm.edges();
        GraphViewModel.Decorations deco = vm.decorations();
        Set<String> matches = vm.matchesProperty().get();
        if (detailed) {
            under.paintBackground(null);
            drawDeclaredLinks(g, layout, edges);
            drawEdges(g, layout, edges);
            for (GraphLayout.Node n : layout.nodes()) {
                nodes.drawNode(g, n, deco, matches.contains(n.id()));
            }
            chips.place(layout, edges, scale, ox, oy);
            drawEdgeBadges(g, layout, edges, deco, scale, ox, oy);
        } else {
            // zoomed far out everything is plain rectangles and one-pixel lines: all of it goes into the dot
            // layer's pixels (boxes, the edges over them, badges), and this canvas stays empty and hidden, so
            // each dot frame composites one layer over the graph's area instead of two
            under.paintBackground(lines -> {
                nodes.drawInto(lines, scale, ox, oy);
                for (GraphLayout.Node n : layout.nodes()) {
                    nodes.drawNode(g, n, deco, matches.contains(n.id()));
                }
                pixelEdges(lines, layout, edges, scale, ox, oy);
                chips.place(layout, edges, scale, ox, oy);
                drawEdgeBadges(g, layout, edges, deco, scale, ox, oy);
                nodes.drawInto(null, 1, 0, 0);
            });
        }
        under.uncoverAll();
        for (MetricChips.Chip c : chips.chips) {
            if (c.edgeKey() != null) {
                under.cover(c.x(), c.y(), c.w(), c.h());
            }
        }
        chips.refresh(chipG, chips.size());
    }


    /** Calls the spec declares but no traffic took in the window: thin dashed lines between the boxes. */
    /** The calls that took traffic, service to service. */
    private Set<String> live(List<EdgeSnapshot> edges) {
        Set<String> live = new HashSet<>();
        for (EdgeSnapshot e : edges) {
            live.add(vm.serviceOfWorkload(e.source()) + "→" + vm.serviceOfWorkload(e.destination()));
        }
        return live;
    }

    /**
     * Zoomed far out, the edges as one-pixel lines in the dot layer's pixels (under the dots, over the
     * boxes they run between): declared calls dashed, live ones in their health colour, the selected one
     * thick in the selection colour.
     */
    private void pixelEdges(PixelLines lines, GraphLayout layout, List<EdgeSnapshot> edges, double scale, double ox, double oy) {
        Set<String> live = live(edges);
        int link = Particles.argb(palette.color("link"));
        for (GraphLayout.Link l : layout.links()) {
            if (!live.contains(l.from() + "→" + l.to())) {
                EdgeGeometry.betweenNodes(layout, l.from(), l.to()).ifPresent(geo -> lines.curve(geo, scale, ox, oy, link, 1, true));
            }
        }
        Selection sel = vm.selection();
        for (EdgeSnapshot e : edges) {
            EdgeGeometry.between(layout, e.source(), e.destination()).ifPresent(geo -> {
                if (sel instanceof Selection.Edge s && s.source().equals(e.source()) && s.destination().equals(e.destination())) {
                    lines.curve(geo, scale, ox, oy, Particles.argb(palette.color("selection")), 4, false);
                }
                lines.curve(geo, scale, ox, oy, Particles.argb(palette.health(EdgeHealth.of(e.successRate()))), widthBucket(e.rps()) >= 3 ? 2 : 1,
                        false);
            });
        }
    }

    private void drawDeclaredLinks(GraphicsContext g, GraphLayout layout, List<EdgeSnapshot> edges) {
        Set<String> live = live(edges);
        g.setStroke(palette.color("link"));
        g.setLineWidth(1.2);
        // dashes a few pixels long on screen whatever the zoom: at a 200-service fit, 5-unit dashes were
        // under a pixel each, and dashing thousands of them was most of a repaint; there, plain lines
        if (detailed) {
            g.setLineDashes(5 / scale, 5 / scale);
        }
        g.beginPath();
        for (GraphLayout.Link l : layout.links()) {
            if (!live.contains(l.from() + "→" + l.to())) {
                EdgeGeometry.betweenNodes(layout, l.from(), l.to()).ifPresent(geo -> curve(g, geo));
            }
        }
        g.stroke();
        g.setLineDashes();
    }

    /** One path per colour and width: a few stroke calls instead of one per edge. */
    private void drawEdges(GraphicsContext g, GraphLayout layout, List<EdgeSnapshot> edges) {
        Selection sel = vm.selection();
        record Style(EdgeHealth health, int width) {
        }
        Map<Style, List<EdgeGeometry>> batches = new LinkedHashMap<>();
        List<EdgeGeometry> locks = new ArrayList<>();
        for (EdgeSnapshot e : edges) {
            Optional<EdgeGeometry> geo = EdgeGeometry.between(layout, e.source(), e.destination());
            if (geo.isEmpty()) {
                continue;
            }
            if (sel instanceof Selection.Edge s && s.source().equals(e.source()) && s.destination().equals(e.destination())) {
                g.setStroke(palette.color("selection"));
                g.setLineWidth(7);
                g.beginPath();
                curve(g, geo.get());
                g.stroke();
            }
            batches.computeIfAbsent(new Style(EdgeHealth.of(e.successRate()), widthBucket(e.rps())), k -> new ArrayList<>()).add(geo.get());
            if (e.mtls()) {
                locks.add(geo.get());
            }
        }
        for (Map.Entry<Style, List<EdgeGeometry>> b : batches.entrySet()) {
            Color c = palette.health(b.getKey().health());
            g.setStroke(c);
            g.setLineWidth(1.2 + b.getKey().width() * 0.8);
            g.beginPath();
            for (EdgeGeometry geo : b.getValue()) {
                curve(g, geo);
            }
            g.stroke();
            if (detailed) {
                g.setFill(c);
                for (EdgeGeometry geo : b.getValue()) {
                    arrow(g, geo);
                }
            }
        }
        if (detailed) {
            for (EdgeGeometry geo : locks) {
                lock(g, geo.x(0.2), geo.y(0.2));
            }
        }
    }

    static int widthBucket(double rps) {
        return (int) Math.min(4, Math.round(Math.log10(1 + rps) * 2));
    }

    private void lock(GraphicsContext g, double x, double y) {
        g.setFill(palette.color("label-fill"));
        g.fillRoundRect(x - 7, y - 8, 14, 15, 4, 4);
        g.setStroke(palette.color("lock"));
        g.setLineWidth(1.3);
        g.strokeArc(x - 3.2, y - 6.5, 6.4, 7, 0, 180, javafx.scene.shape.ArcType.OPEN);
        g.setFill(palette.color("lock"));
        g.fillRect(x - 4.5, y - 2.5, 9, 7);
        hits.add(new Hit(x - 7, y - 8, 14, 15, "mTLS: this edge's requests went over mutual TLS (SPIFFE identities on both sides)"));
    }

    private static void arrow(GraphicsContext g, EdgeGeometry geo) {
        double ax = geo.x(0.97);
        double ay = geo.y(0.97);
        double angle = Math.atan2(geo.y1() - ay, geo.x1() - ax);
        g.fillPolygon(new double[] {geo.x1(), geo.x1() - 9 * Math.cos(angle - 0.4), geo.x1() - 9 * Math.cos(angle + 0.4)},
                new double[] {geo.y1(), geo.y1() - 9 * Math.sin(angle - 0.4), geo.y1() - 9 * Math.sin(angle + 0.4)}, 3);
    }

    private void drawEdgeBadges(GraphicsContext g, GraphLayout layout, List<EdgeSnapshot> edges, GraphViewModel.Decorations deco,
                                double scale, double ox, double oy) {
        if (deco.edges().isEmpty()) {
            return;
        }
        Map<String, MetricChips.Chip> chipOf = new HashMap<>();
        for (MetricChips.Chip c : chips.chips) {
            if (c.edgeKey() != null) {
                chipOf.put(c.edgeKey(), c);
            }
        }
        Set<String> done = new HashSet<>();
        for (EdgeSnapshot e : edges) {
            String service = vm.serviceOfWorkload(e.destination());
            List<Badge> badges = deco.edge(e.source(), service);
            if (badges.isEmpty()) {
                continue;
            }
            MetricChips.Chip chip = chipOf.get(key(e));
            EdgeGeometry.between(layout, e.source(), e.destination()).ifPresent(geo -> {
                // just above the edge's metric chip, which would hide them (the chip canvas is on top); else on the line
                double x = chip == null ? geo.x(0.3) : (chip.x() - ox) / scale;
                double y = chip == null ? geo.y(0.3) - 8 : (chip.y() - oy) / scale - 15;
                if (done.add(Math.round(x) + ":" + Math.round(y))) {
                    nodes.pills(g, badges, x, y);
                }
            });
        }
        // an edge fault on a call that carries no traffic yet: badge the declared link
        deco.edges().forEach((k, badges) -> {
            String[] parts = k.split("→", 2);
            String from = vm.serviceOfWorkload(parts[0]);
            EdgeGeometry.betweenNodes(layout, from, parts[1]).ifPresent(geo -> {
                double x = geo.x(0.3);
                double y = geo.y(0.3) - 8;
                boolean near = done.stream().anyMatch(d -> d.equals(Math.round(x) + ":" + Math.round(y)));
                if (!near && edges.stream().noneMatch(e -> e.source().equals(parts[0]) && vm.serviceOfWorkload(e.destination()).equals(parts[1]))) {
                    nodes.pills(g, badges, x, y);
                }
            });
        });
    }



    private static void curve(GraphicsContext g, EdgeGeometry geo) {
        g.moveTo(geo.x0(), geo.y0());
        g.bezierCurveTo(geo.c1x(), geo.c1y(), geo.c2x(), geo.c2y(), geo.x1(), geo.y1());
    }
}
