package dev.loopmesh.app.timeline;

import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * Three stacked charts on one canvas (ingress rps, success %, p99) over the last minutes, sharing a time
 * axis, with the timeline's events drawn across them: a line per point event, a shaded band per fault.
 * Clicking near a marker picks its event. Repainted only when samples or events change.
 */
final class TimelineChart extends Region {
    private static final double LEFT = 46;
    private static final double RIGHT = 8;
    private static final double GAP = 6;
    private static final long WINDOW_SECONDS = 180;

    private final Canvas canvas = new Canvas();
    private final Pane palette = new Pane();
    private final Map<String, Label> swatches = new LinkedHashMap<>();
    private final Font font = Font.font("System", 10);
    private List<TimelineViewModel.Sample> samples = List.of();
    private List<TimelineEvent> events = List.of();
    private TimelineEvent selected;
    private final List<double[]> markerXs = new ArrayList<>();
    private final List<TimelineEvent> markerEvents = new ArrayList<>();
    private Consumer<TimelineEvent> onPick = e -> { };

    TimelineChart() {
        getStyleClass().add("timeline-chart");
        palette.getStyleClass().add("timeline-palette");
        palette.setManaged(false);
        palette.setOpacity(0);
        palette.setMouseTransparent(true);
        for (String role : new String[] {"background", "grid", "text", "rps", "success", "p99", "config", "rejected", "fault", "load", "ejection", "info",
            "history", "selected"}) {
            Label l = new Label();
            l.getStyleClass().add(role);
            swatches.put(role, l);
            palette.getChildren().add(l);
        }
        getChildren().addAll(palette, canvas);
        canvas.setOnMouseClicked(e -> pick(e.getX()));
        setMinHeight(120);
        sceneProperty().addListener((o, a, s) -> {
            if (s != null) {
                palette.applyCss();
                repaint();
            }
        });
    }

    void setOnPick(Consumer<TimelineEvent> pick) {
        onPick = pick;
    }

    void show(List<TimelineViewModel.Sample> s, List<TimelineEvent> e, TimelineEvent sel) {
        samples = s;
        events = e;
        selected = sel;
        repaint();
    }

    @Override
    protected void layoutChildren() {
        if (canvas.getWidth() != getWidth() || canvas.getHeight() != getHeight()) {
            canvas.setWidth(getWidth());
            canvas.setHeight(getHeight());
            repaint();
        }
    }

    private Color color(String role) {
        Label l = swatches.get(role);
        Paint p = l == null ? null : l.getTextFill();
        return p instanceof Color c ? c : Color.GRAY;
    }

    private void repaint() {
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(color("background"));
        g.fillRect(0, 0, w, h);
        if (w < 60 || h < 60) {
            return;
        }
        Instant now = samples.isEmpty() ? Instant.now() : samples.get(samples.size() - 1).time();
        double t1 = now.toEpochMilli() / 1000.0;
        double t0 = t1 - WINDOW_SECONDS;
        double plotW = w - LEFT - RIGHT;
        double bandH = (h - 4 * GAP - 12) / 3;
        double maxRps = Math.max(1, samples.stream().mapToDouble(TimelineViewModel.Sample::rps).max().orElse(1) * 1.15);
        double maxP99 = Math.max(10, samples.stream().mapToDouble(TimelineViewModel.Sample::p99Ms).max().orElse(10) * 1.15);
        band(g, 0, "ingress rps", maxRps, TimelineViewModel.Sample::rps, "rps", t0, plotW, bandH, "%.0f");
        band(g, 1, "success %", 100, TimelineViewModel.Sample::successPercent, "success", t0, plotW, bandH, "%.0f");
        band(g, 2, "p99 ms", maxP99, TimelineViewModel.Sample::p99Ms, "p99", t0, plotW, bandH, "%.0f");
        markers(g, t0, t1, plotW, h);
        g.setFill(color("text"));
        g.setFont(font);
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.BOTTOM);
        g.fillText("now", LEFT + plotW, h - 1);
        g.setTextAlign(TextAlignment.LEFT);
        g.fillText("−" + WINDOW_SECONDS / 60 + " min", LEFT, h - 1);
    }

    private double x(double t, double t0, double plotW) {
        return LEFT + (t - t0) / WINDOW_SECONDS * plotW;
    }

    private void band(GraphicsContext g, int i, String title, double max, ToDoubleFunction<TimelineViewModel.Sample> value,
                      String role, double t0, double plotW, double bandH, String fmt) {
        double top = GAP + i * (bandH + GAP);
        g.setStroke(color("grid"));
        g.setLineWidth(1);
        g.strokeRect(LEFT, top, plotW, bandH);
        g.strokeLine(LEFT, top + bandH / 2, LEFT + plotW, top + bandH / 2);
        g.setFill(color("text"));
        g.setFont(font);
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.TOP);
        g.fillText(String.format(Locale.ROOT, fmt, max), LEFT - 4, top);
        g.setTextBaseline(VPos.BOTTOM);
        g.fillText("0", LEFT - 4, top + bandH);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.fillText(title, LEFT + 4, top + 2);
        if (samples.size() < 2) {
            return;
        }
        g.setStroke(color(role));
        g.setLineWidth(1.6);
        g.beginPath();
        boolean first = true;
        for (TimelineViewModel.Sample s : samples) {
            double t = s.time().toEpochMilli() / 1000.0;
            if (t < t0) {
                continue;
            }
            double px = x(t, t0, plotW);
            double py = top + bandH - Math.min(1, value.applyAsDouble(s) / max) * bandH;
            if (first) {
                g.moveTo(px, py);
                first = false;
            } else {
                g.lineTo(px, py);
            }
        }
        g.stroke();
    }

    private void markers(GraphicsContext g, double t0, double t1, double plotW, double h) {
        markerXs.clear();
        markerEvents.clear();
        for (TimelineEvent e : events) {
            double ts = e.time().toEpochMilli() / 1000.0;
            double te = e.end() == null ? (e.isSpan() ? t1 : ts) : e.end().toEpochMilli() / 1000.0;
            if (te < t0) {
                continue;
            }
            double xs = Math.max(LEFT, x(ts, t0, plotW));
            double xe = Math.min(LEFT + plotW, x(te, t0, plotW));
            Color c = color(e.kind().styleClass());
            if (e.isSpan()) {
                g.setFill(c.deriveColor(0, 1, 1, 0.16));
                g.fillRect(xs, GAP, Math.max(2, xe - xs), h - 2 * GAP - 12);
            }
            g.setStroke(e == selected ? color("selected") : c);
            g.setLineWidth(e == selected ? 2.5 : 1.5);
            g.strokeLine(xs, GAP, xs, h - GAP - 12);
            g.setFill(c);
            g.fillPolygon(new double[] {xs - 4, xs + 4, xs}, new double[] {h - 12, h - 12, h - 18}, 3);
            markerXs.add(new double[] {xs, xe});
            markerEvents.add(e);
        }
    }

    private void pick(double px) {
        TimelineEvent best = null;
        double bestD = 6;
        for (int i = 0; i < markerXs.size(); i++) {
            double[] r = markerXs.get(i);
            double d = Math.abs(px - r[0]);
            if (d < bestD) {
                bestD = d;
                best = markerEvents.get(i);
            }
        }
        if (best == null) {
            for (int i = markerXs.size() - 1; i >= 0; i--) {
                double[] r = markerXs.get(i);
                if (markerEvents.get(i).isSpan() && px >= r[0] && px <= r[1]) {
                    best = markerEvents.get(i);
                    break;
                }
            }
        }
        if (best != null) {
            onPick.accept(best);
        }
    }
}
