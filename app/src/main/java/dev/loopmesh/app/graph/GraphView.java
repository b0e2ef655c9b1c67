package dev.loopmesh.app.graph;

import dev.loopmesh.app.common.FxThread;
import dev.loopmesh.telemetry.EdgeSnapshot;
import javafx.animation.AnimationTimer;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;
import javafx.scene.transform.Affine;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The live traffic graph: boxes, edges and labels on one canvas redrawn only when the layout, the edge
 * statistics, the selection or the size change; moving dots on a transparent canvas above it, animated
 * every frame.
 */
public final class GraphView extends Region {
    private static final double MAX_SCALE = 1.3;
    /** Dots move at 30 frames a second at most: smooth enough, and half the rendering of 60. */
    private static final long FRAME_NANOS = 33_000_000L;
    private static final double LABEL_HEIGHT = 30;

    private final GraphViewModel vm;
    private final Canvas base = new Canvas();
    private final Canvas dots = new Canvas();
    private final Canvas labels = new Canvas();
    private final CanvasPalette palette = new CanvasPalette();
    private final Particles particles = new Particles();
    private final Font title = Font.font("System", FontWeight.BOLD, 13);
    private final Font small = Font.font("System", 10.5);
    private final Text measure = new Text();
    private double scale = 1;
    private double offsetX;
    private double offsetY;
    private final AnimationTimer animation = new AnimationTimer() {
        private long last;

        @Override
        public void handle(long now) {
            if (last != 0 && now - last < FRAME_NANOS) {
                return;
            }
            double seconds = last == 0 ? 0 : Math.min(0.1, (now - last) / 1e9);
            last = now;
            particles.advance(seconds);
            drawParticles();
        }
    };

    public GraphView(GraphViewModel vm) {
        this.vm = vm;
        measure.setFont(small);
        build();
        wire();
    }

    private void build() {
        getStyleClass().add("graph-view");
        dots.setMouseTransparent(true);
        labels.setMouseTransparent(true);
        getChildren().addAll(palette, base, dots, labels);
        setMinSize(200, 150);
    }

    private void wire() {
        vm.layoutProperty().addListener((o, a, b) -> redraw());
        vm.edgesProperty().addListener((o, a, b) -> redraw());
        vm.selectionProperty().addListener((o, a, b) -> redraw());
        sceneProperty().addListener((o, a, scene) -> {
            if (scene == null) {
                animation.stop();
            } else {
                palette.applyCss();
                animation.start();
                redraw();
            }
        });
        base.setOnMouseClicked(e -> vm.selectAt((e.getX() - offsetX) / scale, (e.getY() - offsetY) / scale));
    }

    @Override
    protected void layoutChildren() {
        double w = getWidth();
        double h = getHeight();
        if (base.getWidth() != w || base.getHeight() != h) {
            base.setWidth(w);
            base.setHeight(h);
            dots.setWidth(w);
            dots.setHeight(h);
            labels.setWidth(w);
            labels.setHeight(h);
            redraw();
        }
    }

    /** Layout units to pixels: the whole graph fits, centred, never blown up past {@link #MAX_SCALE}. */
    private void fit(GraphLayout layout) {
        double w = Math.max(1, base.getWidth());
        double h = Math.max(1, base.getHeight());
        if (layout.width() <= 0 || layout.height() <= 0) {
            scale = 1;
            offsetX = 0;
            offsetY = 0;
            return;
        }
        scale = Math.min(MAX_SCALE, Math.min(w / layout.width(), h / layout.height()));
        offsetX = (w - layout.width() * scale) / 2;
        offsetY = (h - layout.height() * scale) / 2;
    }

    private void redraw() {
        FxThread.check();
        GraphLayout layout = vm.layout();
        fit(layout);
        GraphicsContext g = base.getGraphicsContext2D();
        g.setTransform(new Affine());
        g.clearRect(0, 0, base.getWidth(), base.getHeight());
        GraphicsContext top = labels.getGraphicsContext2D();
        top.setTransform(new Affine());
        top.clearRect(0, 0, labels.getWidth(), labels.getHeight());
        if (layout.nodes().isEmpty()) {
            drawEmpty(g);
            particles.setLanes(Map.of());
            return;
        }
        g.setTransform(new Affine(scale, 0, offsetX, 0, scale, offsetY));
        List<EdgeSnapshot> edges = vm.edges();
        drawDeclaredLinks(g, layout, edges);
        Map<String, Particles.Lane> lanes = new HashMap<>();
        for (EdgeSnapshot e : edges) {
            EdgeGeometry.between(layout, e.source(), e.destination()).ifPresent(geo -> {
                Color c = palette.health(EdgeHealth.of(e.successRate()));
                drawEdge(g, geo, e, c);
                lanes.put(e.source() + "→" + e.destination(), new Particles.Lane(geo, e.rps(), c));
            });
        }
        for (GraphLayout.Node n : layout.nodes()) {
            drawNode(g, n);
        }
        drawEdgeLabels(top, layout, edges);
        particles.setLanes(lanes);
    }

    private void drawEmpty(GraphicsContext g) {
        g.setFill(palette.color("text-dim"));
        g.setFont(title);
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        g.fillText("No mesh running", base.getWidth() / 2, base.getHeight() / 2);
    }

    /** Calls the spec declares but no traffic took in the window: thin dashed lines between the boxes. */
    private void drawDeclaredLinks(GraphicsContext g, GraphLayout layout, List<EdgeSnapshot> edges) {
        Set<String> live = new HashSet<>();
        for (EdgeSnapshot e : edges) {
            String from = layout.nodeOfWorkload(e.source()).map(GraphLayout.Node::id).orElse("?");
            String to = layout.nodeOfWorkload(e.destination()).map(GraphLayout.Node::id).orElse("?");
            live.add(from + "→" + to);
        }
        g.setStroke(palette.color("link"));
        g.setLineWidth(1.2);
        g.setLineDashes(5, 5);
        for (GraphLayout.Link l : layout.links()) {
            if (!live.contains(l.from() + "→" + l.to())) {
                EdgeGeometry.betweenNodes(layout, l.from(), l.to()).ifPresent(geo -> curve(g, geo));
            }
        }
        g.setLineDashes();
    }

    private void drawEdge(GraphicsContext g, EdgeGeometry geo, EdgeSnapshot e, Color color) {
        boolean selected = vm.selection() instanceof Selection.Edge s && s.source().equals(e.source())
                && s.destination().equals(e.destination());
        if (selected) {
            g.setStroke(palette.color("selection"));
            g.setLineWidth(7);
            curve(g, geo);
        }
        g.setStroke(color);
        g.setLineWidth(1.4 + Math.min(3, Math.log10(1 + e.rps()) * 1.5));
        curve(g, geo);
        // arrow head at the destination
        double ax = geo.x(0.97);
        double ay = geo.y(0.97);
        double angle = Math.atan2(geo.y1() - ay, geo.x1() - ax);
        g.setFill(color);
        g.fillPolygon(new double[] {geo.x1(), geo.x1() - 9 * Math.cos(angle - 0.4), geo.x1() - 9 * Math.cos(angle + 0.4)},
                new double[] {geo.y1(), geo.y1() - 9 * Math.sin(angle - 0.4), geo.y1() - 9 * Math.sin(angle + 0.4)}, 3);
    }

    /**
     * Labels at the middle of their edges, in screen pixels (text does not shrink with the graph), nudged
     * down where they would overlap a label already placed.
     */
    private void drawEdgeLabels(GraphicsContext g, GraphLayout layout, List<EdgeSnapshot> edges) {
        record Placed(double x, double y, double w, String text, Color color) {
        }
        List<Placed> placed = new java.util.ArrayList<>();
        for (EdgeSnapshot e : edges) {
            Optional<EdgeGeometry> geo = EdgeGeometry.between(layout, e.source(), e.destination());
            if (geo.isEmpty()) {
                continue;
            }
            String text = TrafficStats.of(e).label();
            measure.setText(text);
            double w = measure.getLayoutBounds().getWidth() + 10;
            placed.add(new Placed(offsetX + geo.get().x(0.5) * scale - w / 2, offsetY + geo.get().y(0.5) * scale - LABEL_HEIGHT / 2, w,
                    text, palette.health(EdgeHealth.of(e.successRate()))));
        }
        placed.sort(java.util.Comparator.comparingDouble(Placed::y));
        List<Placed> done = new java.util.ArrayList<>();
        g.setFont(small);
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        for (Placed p : placed) {
            double y = p.y();
            for (Placed q : done) {
                boolean overlapX = p.x() < q.x() + q.w() && q.x() < p.x() + p.w();
                if (overlapX && y < q.y() + LABEL_HEIGHT + 1 && q.y() < y + LABEL_HEIGHT + 1) {
                    y = q.y() + LABEL_HEIGHT + 1;
                }
            }
            Placed at = new Placed(p.x(), y, p.w(), p.text(), p.color());
            done.add(at);
            g.setFill(palette.color("label-fill"));
            g.fillRoundRect(at.x(), at.y(), at.w(), LABEL_HEIGHT, 8, 8);
            g.setFill(at.color());
            g.fillText(at.text(), at.x() + at.w() / 2, at.y() + LABEL_HEIGHT / 2);
        }
    }

    private void drawNode(GraphicsContext g, GraphLayout.Node n) {
        Selection sel = vm.selection();
        EdgeHealth health = vm.healthOf(n.id());
        g.setFill(palette.color("node-fill"));
        g.fillRoundRect(n.x(), n.y(), n.w(), n.h(), 14, 14);
        boolean selected = sel instanceof Selection.Service s && s.name().equals(n.id());
        g.setStroke(selected ? palette.color("selection") : health == EdgeHealth.IDLE ? palette.color("node-border") : palette.health(health));
        g.setLineWidth(selected ? 3 : 1.6);
        g.strokeRoundRect(n.x(), n.y(), n.w(), n.h(), 14, 14);
        g.setFill(palette.color("text"));
        g.setFont(title);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        g.fillText(n.label(), n.x() + 10, n.y() + GraphLayout.HEADER / 2 + 1);
        for (GraphLayout.Row r : n.rows()) {
            drawRow(g, n, r, sel);
        }
    }

    private void drawRow(GraphicsContext g, GraphLayout.Node n, GraphLayout.Row r, Selection sel) {
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
        if (in.requests() > 0) {
            g.setFill(palette.color("text-dim"));
            g.setTextAlign(TextAlignment.RIGHT);
            g.fillText(String.format(java.util.Locale.ROOT, "%.1f rps", in.rps()), r.x() + r.w() - 8, r.y() + r.h() / 2);
        }
    }

    private static void curve(GraphicsContext g, EdgeGeometry geo) {
        g.beginPath();
        g.moveTo(geo.x0(), geo.y0());
        g.bezierCurveTo(geo.c1x(), geo.c1y(), geo.c2x(), geo.c2y(), geo.x1(), geo.y1());
        g.stroke();
    }

    private void drawParticles() {
        GraphicsContext g = dots.getGraphicsContext2D();
        g.setTransform(new Affine());
        g.clearRect(0, 0, dots.getWidth(), dots.getHeight());
        g.setTransform(new Affine(scale, 0, offsetX, 0, scale, offsetY));
        particles.draw(g);
    }

    /** For tests: the dots now on screen. */
    int particleCount() {
        return particles.size();
    }
}
