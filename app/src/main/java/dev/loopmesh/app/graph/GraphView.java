package dev.loopmesh.app.graph;

import dev.loopmesh.app.common.FxThread;
import dev.loopmesh.telemetry.EdgeSnapshot;
import javafx.animation.AnimationTimer;
import javafx.geometry.Point2D;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.Region;
import javafx.scene.transform.Affine;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The live traffic graph in three layers: the static picture on a canvas (repainted only when the
 * graph's structure, health colours, selection, badges or view change), metric chips on a canvas above
 * it (a slice refreshed in place on each dot frame), and the moving dots on top, written as pixels into
 * an image ({@link DotLayer}) 30 times a second. The layers cover only the graph's boxes on screen, and
 * the frames between dot frames change nothing, so the renderer has nothing to do on them. One
 * animation timer does all drawing, so bursts of updates coalesce into one repaint per frame. Zoom with
 * the wheel, pan by dragging, double-click to fit.
 */
public final class GraphView extends Region {
    /** Dots move at 30 frames a second at most: smooth enough, and half the rendering of 60. */
    private static final long DOTS_FRAME_NANOS = 30_000_000L;
    /** Each chip is refreshed about once a second (a slice on each of the 30 dot frames). */
    private static final int CHIP_SLICES = 30;
    /**
     * A change in the traffic (an edge appears, a health colour flips) repaints the picture at most once
     * a second: on a busy, flapping mesh of 200 services it would otherwise repaint on every poll.
     * Whatever the user does (select, zoom, apply a policy) repaints on the next frame.
     */
    private static final long TRAFFIC_REPAINT_NANOS = 1_000_000_000L;
    /** Room around the graph's boxes that the dot and chip layers also cover, in pixels. */
    private static final double LAYER_MARGIN = 12;

    private final GraphViewModel vm;
    private final Canvas base = new Canvas();
    private final Canvas chipCanvas = new Canvas();
    private final DotLayer dots = new DotLayer();
    private final CanvasPalette palette = new CanvasPalette();
    private final GraphPainter painter;
    private final Particles particles = new Particles();
    private final TrafficLanes lanes = new TrafficLanes();
    private final FrameStats frameStats = new FrameStats();
    private final Tooltip tooltip = new Tooltip();
    private final ViewTransform view = new ViewTransform();
    private boolean staticDirty = true;
    private boolean trafficDirty;
    private long lastRepaint;
    private long signature;
    private double pressX;
    private double pressY;
    private double pressPanX;
    private double pressPanY;
    private boolean dragged;
    private BiConsumer<Selection, Point2D> onContextMenu = (s, p) -> { };
    private final AnimationTimer animation = new AnimationTimer() {
        private long lastDots;

        @Override
        public void handle(long now) {
            frameStats.frame(now);
            boolean drew = false;
            if (trafficDirty && now - lastRepaint >= TRAFFIC_REPAINT_NANOS) {
                staticDirty = true;
            }
            if (staticDirty) {
                staticDirty = false;
                trafficDirty = false;
                lastRepaint = now;
                paintStatic();
                frameStats.repainted();
                drew = true;
            }
            if (lastDots == 0 || now - lastDots >= DOTS_FRAME_NANOS) {
                double seconds = lastDots == 0 ? 0 : Math.min(0.1, (now - lastDots) / 1e9);
                lastDots = now;
                particles.advance(seconds);
                drawParticles();
                // chips change on the frames that move the dots, so the frames between have nothing to render
                if (!drew && !painter.chips().isEmpty()) {
                    painter.chips().refresh(chipCanvas.getGraphicsContext2D(), Math.max(1, painter.chips().size() / CHIP_SLICES + 1));
                }
                drew = true;
            }
            if (drew) {
                frameStats.drawn();
            }
        }
    };

    public GraphView(GraphViewModel vm) {
        this.vm = vm;
        this.painter = new GraphPainter(vm, palette);
        build();
        wire();
    }

    private void build() {
        getStyleClass().add("graph-view");
        base.setMouseTransparent(true);
        chipCanvas.setMouseTransparent(true);
        getChildren().addAll(palette, base, chipCanvas, dots.node());
        setMinSize(200, 150);
        tooltip.setWrapText(true);
        tooltip.setMaxWidth(420);
    }

    private void wire() {
        vm.layoutProperty().addListener((o, a, b) -> {
            view.fit();
            invalidate();
        });
        vm.edgesProperty().addListener((o, a, b) -> edgesChanged(b));
        vm.selectionProperty().addListener((o, a, b) -> invalidate());
        vm.decorationsProperty().addListener((o, a, b) -> invalidate());
        vm.matchesProperty().addListener((o, a, b) -> invalidate());
        // animate only while the window shows: a hidden window's canvases still cost the render thread
        sceneProperty().flatMap(javafx.scene.Scene::windowProperty).flatMap(javafx.stage.Window::showingProperty).orElse(false)
                .addListener((o, was, showing) -> {
                    if (showing) {
                        palette.applyCss();
                        animation.start();
                        invalidate();
                    } else {
                        animation.stop();
                    }
                });
        setOnMousePressed(e -> {
            pressX = e.getX();
            pressY = e.getY();
            pressPanX = view.panX();
            pressPanY = view.panY();
            dragged = false;
        });
        setOnMouseDragged(e -> {
            if (e.getButton() != MouseButton.PRIMARY) {
                return;
            }
            if (dragged || Math.hypot(e.getX() - pressX, e.getY() - pressY) > 4) {
                dragged = true;
                view.panTo(pressPanX + e.getX() - pressX, pressPanY + e.getY() - pressY);
                invalidate();
            }
        });
        setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                fitToWindow();
            } else if (e.getButton() == MouseButton.PRIMARY && !dragged) {
                vm.selectAt(toLayoutX(e.getX()), toLayoutY(e.getY()));
            }
        });
        setOnContextMenuRequested(e -> {
            Selection s = vm.hit(toLayoutX(e.getX()), toLayoutY(e.getY()));
            if (s != Selection.NONE) {
                vm.select(s);
                onContextMenu.accept(s, new Point2D(e.getScreenX(), e.getScreenY()));
            }
            e.consume();
        });
        setOnScroll(e -> {
            double factor = Math.pow(1.0015, e.getDeltaY());
            zoomAt(e.getX(), e.getY(), factor);
        });
        setOnMouseMoved(e -> hover(e.getX(), e.getY(), e.getScreenX(), e.getScreenY()));
        setOnMouseExited(e -> tooltip.hide());
    }

    /** Called with a right-clicked selection and the screen point, to open a context menu there. */
    public void setOnContextMenu(BiConsumer<Selection, Point2D> handler) {
        onContextMenu = handler == null ? (s, p) -> { } : handler;
    }

    /** The style sheet changed (theme): read the colours again and repaint. */
    public void restyle() {
        palette.applyCss();
        invalidate();
    }

    public FrameStats frameStats() {
        return frameStats;
    }

    /** Back to the whole graph in view. */
    public void fitToWindow() {
        view.fit();
        invalidate();
    }

    public void zoomIn() {
        zoomAt(getWidth() / 2, getHeight() / 2, 1.25);
    }

    public void zoomOut() {
        zoomAt(getWidth() / 2, getHeight() / 2, 0.8);
    }

    /** Brings a node to the centre at a readable scale (the search does this with its first match). */
    public void focus(String nodeId) {
        vm.layout().node(nodeId).ifPresent(n -> {
            view.focus(vm.layout(), n);
            invalidate();
        });
    }

    /** Presentation mode: the graph's text and metric chips {@code scale} times as large. */
    public void setTextScale(double scale) {
        painter.setTextScale(scale);
        invalidate();
    }

    public void setLabelMode(EdgeLabelMode mode) {
        painter.setMode(mode);
        invalidate();
    }

    private void zoomAt(double x, double y, double factor) {
        view.zoomAt(vm.layout(), x, y, factor);
        invalidate();
    }

    private double toLayoutX(double x) {
        return view.toLayoutX(x);
    }

    private double toLayoutY(double y) {
        return view.toLayoutY(y);
    }

    private void hover(double x, double y, double screenX, double screenY) {
        double lx = toLayoutX(x);
        double ly = toLayoutY(y);
        String text = null;
        for (GraphPainter.Hit h : painter.hits) {
            if (h.contains(lx, ly)) {
                text = h.text();
                break;
            }
        }
        if (text == null && vm.hit(lx, ly) instanceof Selection.Edge e) {
            text = describeEdge(e);
        }
        if (text == null) {
            tooltip.hide();
            return;
        }
        tooltip.setText(text);
        if (!tooltip.isShowing() && getScene() != null && getScene().getWindow() != null) {
            tooltip.show(this, screenX + 14, screenY + 14);
        } else {
            tooltip.setAnchorX(screenX + 14);
            tooltip.setAnchorY(screenY + 14);
        }
    }

    private String describeEdge(Selection.Edge e) {
        TrafficStats s = vm.statsOf(e);
        String flags = ResponseFlags.explain(s.responseFlags());
        return e.source() + " → " + e.destination() + "\n" + s.label().replace('\n', ' ')
                + (flags.isEmpty() ? "" : "\n" + flags) + "\nRight-click to inject a fault on this edge.";
    }

    private void edgesChanged(List<EdgeSnapshot> edges) {
        painter.updateNumbers(edges);
        long sig = TrafficLanes.structure(edges);
        if (sig != signature) {
            signature = sig;
            trafficDirty = true;
        }
        updateLanes(edges);
    }

    private void updateLanes(List<EdgeSnapshot> edges) {
        particles.setLanes(lanes.of(vm.layout(), edges, palette));
    }

    /** The static picture must be repainted; happens on the next frame. */
    private void invalidate() {
        staticDirty = true;
    }

    @Override
    protected void layoutChildren() {
        if (view.resize(getWidth(), getHeight())) {
            if (getWidth() > 0 && getHeight() > 0) {
                vm.setViewAspect(getWidth() / getHeight());
            }
            invalidate();
        }
    }

    /**
     * Puts the three layers over the graph's boxes as they show now, cut to the view. A layer that
     * changes is composited whole, and the layers under it within its bounds with it; so no layer covers
     * more than the graph (a small mesh fitted to the pane, or one zoomed into, leaves most of it out), and
     * zoomed far out the picture is in the dot layer alone (see {@link GraphPainter#drewOnCanvas()}).
     */
    private void placeLayers() {
        GraphLayout layout = vm.layout();
        double x0 = 0;
        double y0 = 0;
        double viewWidth = view.viewWidth();
        double viewHeight = view.viewHeight();
        double scale = view.scale();
        double offsetX = view.offsetX();
        double offsetY = view.offsetY();
        double x1 = viewWidth;
        double y1 = viewHeight;
        if (!layout.nodes().isEmpty()) {
            x0 = Math.max(0, Math.floor(offsetX - LAYER_MARGIN));
            y0 = Math.max(0, Math.floor(offsetY - LAYER_MARGIN));
            x1 = Math.min(viewWidth, Math.ceil(offsetX + layout.width() * scale + LAYER_MARGIN));
            y1 = Math.min(viewHeight, Math.ceil(offsetY + layout.height() * scale + LAYER_MARGIN));
        }
        int w = (int) Math.max(1, x1 - x0);
        int h = (int) Math.max(1, y1 - y0);
        for (Canvas c : new Canvas[] {base, chipCanvas}) {
            c.relocate(x0, y0);
            if (c.getWidth() != w || c.getHeight() != h) {
                c.setWidth(w);
                c.setHeight(h);
            }
        }
        dots.place(x0, y0, w, h);
    }

    private void paintStatic() {
        FxThread.check();
        view.update(vm.layout());
        placeLayers();
        GraphicsContext g = base.getGraphicsContext2D();
        g.setTransform(new Affine());
        GraphicsContext chips = chipCanvas.getGraphicsContext2D();
        chips.setTransform(new Affine());
        chips.clearRect(0, 0, chipCanvas.getWidth(), chipCanvas.getHeight());
        painter.paintStatic(g, chips, dots, base.getWidth(), base.getHeight(), view.scale(), view.offsetX() - base.getLayoutX(),
                view.offsetY() - base.getLayoutY());
        chipCanvas.setVisible(!painter.chips().isEmpty());
        base.setVisible(painter.drewOnCanvas());
        updateLanes(vm.edges());
    }

    private void drawParticles() {
        dots.draw(particles, view.scale(), view.offsetX(), view.offsetY());
    }

    /** For tests: the dots now on screen. */
    int particleCount() {
        return particles.size();
    }
}
