package dev.loopmesh.app.graph;

import dev.loopmesh.telemetry.EdgeSnapshot;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;
import javafx.scene.transform.Affine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Draws the graph in two parts: the static picture (edges batched into one path per colour and width,
 * boxes, badges, locks), repainted only when the picture changes; and the metric chips, opaque boxes
 * at fixed places whose numbers are refreshed in place a few per frame, so no frame repaints them all.
 */
final class GraphPainter {
    static final double CHIP_W = 92;
    static final double CHIP_H = 30;
    static final double ROW_CHIP_W = 58;
    /** Below this scale edge chips would cover the graph: they hide (zoom in to read them). */
    static final double EDGE_CHIPS_MIN_SCALE = 0.5;
    static final double ROW_CHIPS_MIN_SCALE = 0.55;
    /**
     * Below this scale the boxes' text would be under six pixels high: the picture leaves out text,
     * arrow heads and locks and draws plain rectangles (a 200-service mesh fitted to the window is at
     * about 0.17; there, text drawn as glyph outlines was most of a repaint's cost in the software
     * pipeline). Zoom in and they come back.
     */
    static final double DETAIL_MIN_SCALE = 0.45;

    /** A metric box: an edge's ({@code edgeKey}) or a version row's ({@code workload}), in screen pixels. */
    record Chip(double x, double y, double w, double h, String edgeKey, String workload) {
    }

    /** Where a badge or lock is, in layout units, and what its tooltip says. */
    record Hit(double x, double y, double w, double h, String text) {
        boolean contains(double px, double py) {
            return px >= x && px <= x + w && py >= y && py <= y + h;
        }
    }

    private final GraphViewModel vm;
    private final CanvasPalette palette;
    private Font title;
    private Font small;
    private Font tiny;
    /** Text and metric chips grow with it (presentation mode). */
    private double textScale;
    final List<Chip> chips = new ArrayList<>();
    final List<Hit> hits = new ArrayList<>();
    private final Map<String, EdgeSnapshot> byKey = new HashMap<>();
    private EdgeLabelMode mode = EdgeLabelMode.ALL;
    private int cursor;
    private boolean detailed = true;
    private double scale = 1;

    GraphPainter(GraphViewModel vm, CanvasPalette palette) {
        this.vm = vm;
        this.palette = palette;
        setTextScale(1);
    }

    /** Larger text for a projector: 1 is normal. */
    void setTextScale(double s) {
        textScale = s;
        title = Font.font("System", FontWeight.BOLD, 13 * s);
        small = Font.font("System", 10.5 * s);
        tiny = Font.font("System", FontWeight.BOLD, 8.5 * s);
    }

    void setMode(EdgeLabelMode m) {
        mode = m;
    }

    static String key(EdgeSnapshot e) {
        return e.source() + "→" + e.destination();
    }

    /** Latest numbers for the chips; no drawing. */
    void updateNumbers(List<EdgeSnapshot> edges) {
        byKey.clear();
        for (EdgeSnapshot e : edges) {
            byKey.put(key(e), e);
        }
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
            g.setFont(title);
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.CENTER);
            g.fillText("No mesh running", w / 2, h / 2);
            return;
        }
        g.setTransform(new Affine(scale, 0, ox, 0, scale, oy));
        this.scale = scale;
        detailed = scale >= DETAIL_MIN_SCALE;
        List<EdgeSnapshot> edges = vm.edges();
        if (detailed) {
            under.paintBackground(null);
            drawDeclaredLinks(g, layout, edges);
            drawEdges(g, layout, edges);
        } else {
            under.paintBackground(lines -> pixelEdges(lines, layout, edges, scale, ox, oy));
        }
        GraphViewModel.Decorations deco = vm.decorations();
        Set<String> matches = vm.matchesProperty().get();
        for (GraphLayout.Node n : layout.nodes()) {
            drawNode(g, n, deco, matches.contains(n.id()));
        }
        placeChips(layout, edges, scale, ox, oy);
        drawEdgeBadges(g, layout, edges, deco, scale, ox, oy);
        cursor = 0;
        refreshChips(chipG, chips.size());
    }

    /** Redraws the next {@code count} chips with the latest numbers (round robin). */
    void refreshChips(GraphicsContext g, int count) {
        if (chips.isEmpty()) {
            return;
        }
        g.setTransform(new Affine());
        g.setFont(small);
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
                g.setFill(palette.color("text-dim"));
                g.setTextAlign(TextAlignment.RIGHT);
                g.fillText(String.format(Locale.ROOT, "%.1f rps", in.rps()), c.x() + c.w(), c.y() + c.h() / 2);
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
                    double free = (r.w() - 6 - 22 - textWidth(r.version()) - 4) * scale;
                    double cw = Math.max(0, Math.min(ROW_CHIP_W * textScale, free));
                    if (cw < 24 * textScale) {
                        continue;
                    }
                    double chH = 14 * textScale;
                    chips.add(new Chip(right - cw, cy - chH / 2, cw, chH, null, r.workload()));
                }
            }
        }
        if (scale < EDGE_CHIPS_MIN_SCALE || mode == null) {
            return;
        }
        double cw = (mode == EdgeLabelMode.ALL ? CHIP_W : 62) * textScale;
        double ch = (mode == EdgeLabelMode.ALL ? CHIP_H : 18) * textScale;
        List<Chip> wanted = new ArrayList<>();
        for (EdgeSnapshot e : edges) {
            Optional<EdgeGeometry> geo = EdgeGeometry.between(layout, e.source(), e.destination());
            geo.ifPresent(x -> wanted.add(new Chip(ox + x.x(0.5) * scale - cw / 2, oy + x.y(0.5) * scale - ch / 2, cw, ch, key(e), null)));
        }
        wanted.sort(Comparator.comparingDouble(Chip::y));
        List<Chip> placed = new ArrayList<>();
        for (Chip p : wanted) {
            double y = p.y();
            for (Chip q : placed) {
                boolean overlapX = p.x() < q.x() + q.w() && q.x() < p.x() + p.w();
                if (overlapX && y < q.y() + ch + 1 && q.y() < y + ch + 1) {
                    y = q.y() + ch + 1;
                }
            }
            placed.add(new Chip(p.x(), y, p.w(), p.h(), p.edgeKey(), null));
        }
        chips.addAll(placed);
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
        Map<String, Chip> chipOf = new HashMap<>();
        for (Chip c : chips) {
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
            Chip chip = chipOf.get(key(e));
            EdgeGeometry.between(layout, e.source(), e.destination()).ifPresent(geo -> {
                // just above the edge's metric chip, which would hide them (the chip canvas is on top); else on the line
                double x = chip == null ? geo.x(0.3) : (chip.x() - ox) / scale;
                double y = chip == null ? geo.y(0.3) - 8 : (chip.y() - oy) / scale - 15;
                if (done.add(Math.round(x) + ":" + Math.round(y))) {
                    pills(g, badges, x, y);
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
                    pills(g, badges, x, y);
                }
            });
        });
    }

    /** Badges as small pills from {@code x}, in layout units; each one a tooltip target. */
    private double pills(GraphicsContext g, List<Badge> badges, double x, double y) {
        g.setFont(tiny);
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        for (Badge b : badges) {
            double w = 8 + b.kind().text().length() * 6.2;
            g.setFill(b.kind().isFault() ? palette.color("failing") : palette.color("badge"));
            if (detailed) {
                g.fillRoundRect(x, y, w, 13, 6, 6);
                g.setFill(palette.color("badge-text"));
                g.fillText(b.kind().text(), x + w / 2, y + 6.5);
            } else {
                g.fillRect(x, y, w, 13);
            }
            hits.add(new Hit(x, y, w, 13, b.tooltip()));
            x += w + 3;
        }
        return x;
    }

    private void drawNode(GraphicsContext g, GraphLayout.Node n, GraphViewModel.Decorations deco, boolean match) {
        Selection sel = vm.selection();
        EdgeHealth health = vm.healthOf(n.id());
        boolean selected = sel instanceof Selection.Service s && s.name().equals(n.id());
        if (!detailed) {
            drawPlainNode(g, n, deco, match, selected, health);
            return;
        }
        g.setFill(palette.color("node-fill"));
        g.fillRoundRect(n.x(), n.y(), n.w(), n.h(), 14, 14);
        if (match) {
            g.setStroke(palette.color("match"));
            g.setLineWidth(6);
            g.strokeRoundRect(n.x() - 4, n.y() - 4, n.w() + 8, n.h() + 8, 16, 16);
        }
        g.setStroke(selected ? palette.color("selection") : health == EdgeHealth.IDLE ? palette.color("node-border") : palette.health(health));
        g.setLineWidth(selected ? 3 : 1.6);
        g.strokeRoundRect(n.x(), n.y(), n.w(), n.h(), 14, 14);
        g.setFill(palette.color("text"));
        g.setFont(title);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        g.fillText(n.label(), n.x() + 10, n.y() + GraphLayout.HEADER / 2 + 1, n.w() - 20);
        List<Badge> badges = GraphViewModel.mergeFaults(deco.node(n.id()));
        if (!badges.isEmpty()) {
            // badges sit on the box's top edge, from the right, so the name stays readable
            double width = badges.stream().mapToDouble(b -> 8 + b.kind().text().length() * 6.2 + 3).sum();
            pills(g, badges, n.x() + n.w() - width - 4, n.y() - 7);
        }
        for (GraphLayout.Row r : n.rows()) {
            drawRow(g, n, r, sel, deco.workloads().get(r.workload()));
        }
    }

    /** A box without text: its health as the border, each version as a bar with its health square, badges as plain bars. */
    private void drawPlainNode(GraphicsContext g, GraphLayout.Node n, GraphViewModel.Decorations deco, boolean match, boolean selected,
                               EdgeHealth health) {
        Selection sel = vm.selection();
        if (match) {
            g.setFill(palette.color("match"));
            g.fillRect(n.x() - 8, n.y() - 8, n.w() + 16, n.h() + 16);
        }
        g.setFill(selected ? palette.color("selection") : health == EdgeHealth.IDLE ? palette.color("node-border") : palette.health(health));
        g.fillRect(n.x() - 3, n.y() - 3, n.w() + 6, n.h() + 6);
        g.setFill(palette.color("node-fill"));
        g.fillRect(n.x() + 3, n.y() + 3, n.w() - 6, n.h() - 6);
        List<Badge> badges = GraphViewModel.mergeFaults(deco.node(n.id()));
        if (!badges.isEmpty()) {
            double width = badges.stream().mapToDouble(b -> 8 + b.kind().text().length() * 6.2 + 3).sum();
            pills(g, badges, n.x() + n.w() - width - 4, n.y() - 7);
        }
        for (GraphLayout.Row r : n.rows()) {
            boolean rowSelected = sel instanceof Selection.Workload w && w.name().equals(r.workload());
            g.setFill(rowSelected ? palette.color("selection") : palette.color("row-fill"));
            g.fillRect(r.x(), r.y(), r.w(), r.h());
            TrafficStats in = n.isIngress() ? vm.statsOf(new Selection.Service(n.id())) : vm.statsOf(new Selection.Workload(r.workload()));
            g.setFill(in.requests() > 0 ? palette.health(in.health()) : palette.color("idle"));
            g.fillRect(r.x() + 6, r.y() + r.h() / 2 - 8, 16, 16);
            GraphViewModel.PodState down = deco.workloads().get(r.workload());
            if (down != null) {
                g.setStroke(palette.color("failing"));
                g.setLineWidth(8);
                g.strokeLine(r.x() + 4, r.y() + 3, r.x() + r.w() - 4, r.y() + r.h() - 3);
                g.strokeLine(r.x() + 4, r.y() + r.h() - 3, r.x() + r.w() - 4, r.y() + 3);
                hits.add(new Hit(r.x(), r.y(), r.w(), r.h(), r.workload() + ": " + down.describe()));
            }
        }
    }

    private void drawRow(GraphicsContext g, GraphLayout.Node n, GraphLayout.Row r, Selection sel, GraphViewModel.PodState down) {
        boolean selected = sel instanceof Selection.Workload w && w.name().equals(r.workload());
        g.setFill(palette.color("row-fill"));
        g.fillRoundRect(r.x(), r.y(), r.w(), r.h(), 8, 8);
        if (selected) {
            g.setStroke(palette.color("selection"));
            g.setLineWidth(2);
            g.strokeRoundRect(r.x(), r.y(), r.w(), r.h(), 8, 8);
        }
        TrafficStats in = n.isIngress() ? vm.statsOf(new Selection.Service(n.id())) : vm.statsOf(new Selection.Workload(r.workload()));
        g.setFill(in.requests() > 0 ? palette.health(in.health()) : palette.color("idle"));
        g.fillOval(r.x() + 8, r.y() + r.h() / 2 - 4, 8, 8);
        g.setFill(palette.color("text"));
        g.setFont(small);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        g.fillText(r.version(), r.x() + 22, r.y() + r.h() / 2);
        if (down != null) {
            // killed or paused pods: the row crossed out, with how many
            g.setStroke(palette.color("failing"));
            g.setLineWidth(down.allDown() ? 2 : 1.2);
            g.strokeLine(r.x() + 4, r.y() + 3, r.x() + r.w() - 4, r.y() + r.h() - 3);
            g.strokeLine(r.x() + 4, r.y() + r.h() - 3, r.x() + r.w() - 4, r.y() + 3);
            g.setFill(palette.color("failing"));
            g.setFont(tiny);
            g.setTextAlign(TextAlignment.LEFT);
            g.fillText(down.describe(), r.x() + 40, r.y() + r.h() / 2);
            hits.add(new Hit(r.x(), r.y(), r.w(), r.h(), r.workload() + ": " + down.describe()
                    + "\nKilled: connections refused (UF, URX). Paused: accepted but never answered (UT)."));
        }
    }

    private final Map<String, Double> textWidths = new HashMap<>();
    private Font measuredFont;

    /** The width of a row's text in layout units, in the row font (measured once per text and font). */
    private double textWidth(String text) {
        if (measuredFont != small) {
            textWidths.clear();
            measuredFont = small;
        }
        return textWidths.computeIfAbsent(text, t -> {
            javafx.scene.text.Text probe = new javafx.scene.text.Text(t);
            probe.setFont(small);
            return probe.getLayoutBounds().getWidth();
        });
    }

    private static void curve(GraphicsContext g, EdgeGeometry geo) {
        g.moveTo(geo.x0(), geo.y0());
        g.bezierCurveTo(geo.c1x(), geo.c1y(), geo.c2x(), geo.c2y(), geo.x1(), geo.y1());
    }
}
