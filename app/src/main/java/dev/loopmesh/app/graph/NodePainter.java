package dev.loopmesh.app.graph;

import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.text.TextAlignment;

import java.util.List;

/**
 * Draws the service boxes: name, health border, a row per version with its health, killed or paused pods
 * crossed out, and badges as pills; zoomed far out, plain rectangles without text. Every badge and cross
 * leaves a tooltip target in {@code hits}.
 */
final class NodePainter {
    private final GraphViewModel vm;
    private final CanvasPalette palette;
    private final GraphFonts fonts;
    private final List<GraphPainter.Hit> hits;
    private boolean detailed = true;
    /** Zoomed far out, the plain boxes go into these pixels (the dot layer's background) instead of a canvas. */
    private PixelLines pixels;
    private double pixelScale;
    private double pixelX;
    private double pixelY;

    NodePainter(GraphViewModel vm, CanvasPalette palette, GraphFonts fonts, List<GraphPainter.Hit> hits) {
        this.vm = vm;
        this.palette = palette;
        this.fonts = fonts;
        this.hits = hits;
    }

    /**
     * Plain boxes and badges drawn from now on go into {@code target} at {@code scale} and offset (null:
     * onto the canvas again): one layer fewer for the renderer to composite on every dot frame.
     */
    void drawInto(PixelLines target, double scale, double ox, double oy) {
        pixels = target;
        pixelScale = scale;
        pixelX = ox;
        pixelY = oy;
    }

    private void rect(GraphicsContext g, double x, double y, double w, double h, javafx.scene.paint.Color c) {
        if (pixels != null) {
            pixels.fillRect(pixelX + x * pixelScale, pixelY + y * pixelScale, w * pixelScale, h * pixelScale, Particles.argb(c));
        } else {
            g.setFill(c);
            g.fillRect(x, y, w, h);
        }
    }

    private void cross(GraphicsContext g, GraphLayout.Row r, javafx.scene.paint.Color c) {
        if (pixels != null) {
            int argb = Particles.argb(c);
            int thick = (int) Math.max(1, Math.round(8 * pixelScale));
            int x0 = (int) Math.round(pixelX + (r.x() + 4) * pixelScale);
            int x1 = (int) Math.round(pixelX + (r.x() + r.w() - 4) * pixelScale);
            int y0 = (int) Math.round(pixelY + (r.y() + 3) * pixelScale);
            int y1 = (int) Math.round(pixelY + (r.y() + r.h() - 3) * pixelScale);
            pixels.line(x0, y0, x1, y1, argb, thick, -1);
            pixels.line(x0, y1, x1, y0, argb, thick, -1);
            return;
        }
        g.setStroke(c);
        g.setLineWidth(8);
        g.strokeLine(r.x() + 4, r.y() + 3, r.x() + r.w() - 4, r.y() + r.h() - 3);
        g.strokeLine(r.x() + 4, r.y() + r.h() - 3, r.x() + r.w() - 4, r.y() + 3);
    }

    /** Whether boxes carry text, arrow heads and rounded corners at this repaint's scale. */
    void setDetailed(boolean detailed) {
        this.detailed = detailed;
    }

    /** Badges as fonts.small() pills from {@code x}, in layout units; each one a tooltip target. */
    double pills(GraphicsContext g, List<Badge> badges, double x, double y) {
        g.setFont(fonts.tiny());
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
                rect(g, x, y, w, 13, b.kind().isFault() ? palette.color("failing") : palette.color("badge"));
            }
            hits.add(new GraphPainter.Hit(x, y, w, 13, b.tooltip()));
            x += w + 3;
        }
        return x;
    }

    void drawNode(GraphicsContext g, GraphLayout.Node n, GraphViewModel.Decorations deco, boolean match) {
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
        g.setFont(fonts.title());
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        g.fillText(n.label(), n.x() + 10, n.y() + GraphLayout.HEADER / 2 + 1, n.w() - 20);
        List<Badge> badges = Badge.mergeFaults(deco.node(n.id()));
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
            rect(g, n.x() - 8, n.y() - 8, n.w() + 16, n.h() + 16, palette.color("match"));
        }
        rect(g, n.x() - 3, n.y() - 3, n.w() + 6, n.h() + 6,
                selected ? palette.color("selection") : health == EdgeHealth.IDLE ? palette.color("node-border") : palette.health(health));
        rect(g, n.x() + 3, n.y() + 3, n.w() - 6, n.h() - 6, palette.color("node-fill"));
        List<Badge> badges = Badge.mergeFaults(deco.node(n.id()));
        if (!badges.isEmpty()) {
            double width = badges.stream().mapToDouble(b -> 8 + b.kind().text().length() * 6.2 + 3).sum();
            pills(g, badges, n.x() + n.w() - width - 4, n.y() - 7);
        }
        for (GraphLayout.Row r : n.rows()) {
            boolean rowSelected = sel instanceof Selection.Workload w && w.name().equals(r.workload());
            rect(g, r.x(), r.y(), r.w(), r.h(), rowSelected ? palette.color("selection") : palette.color("row-fill"));
            TrafficStats in = n.isIngress() ? vm.statsOf(new Selection.Service(n.id())) : vm.statsOf(new Selection.Workload(r.workload()));
            rect(g, r.x() + 6, r.y() + r.h() / 2 - 8, 16, 16, in.requests() > 0 ? palette.health(in.health()) : palette.color("idle"));
            GraphViewModel.PodState down = deco.workloads().get(r.workload());
            if (down != null) {
                cross(g, r, palette.color("failing"));
                hits.add(new GraphPainter.Hit(r.x(), r.y(), r.w(), r.h(), r.workload() + ": " + down.describe()));
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
        g.setFont(fonts.small());
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
            g.setFont(fonts.tiny());
            g.setTextAlign(TextAlignment.LEFT);
            g.fillText(down.describe(), r.x() + 40, r.y() + r.h() / 2);
            hits.add(new GraphPainter.Hit(r.x(), r.y(), r.w(), r.h(), r.workload() + ": " + down.describe()
                    + "\nKilled: connections refused (UF, URX). Paused: accepted but never answered (UT)."));
        }
    }
}
