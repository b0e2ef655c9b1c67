package dev.loopmesh.app.inspector;

import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** A small live chart of the selection: rps, success % and p99 as three lines, each on its own scale. */
final class Sparkline extends Region {
    private final Canvas canvas = new Canvas();
    private final Font font = Font.font("System", 9.5);
    private List<InspectorViewModel.Point> points = List.of();
    private Color rps = Color.web("#4c9aff");
    private Color success = Color.web("#3fb950");
    private Color p99 = Color.web("#f0a030");
    private Color grid = Color.web("#2b3542");
    private Color text = Color.web("#8693a3");

    Sparkline() {
        getChildren().add(canvas);
        getStyleClass().add("sparkline");
        setPrefHeight(78);
        setMinHeight(60);
    }

    void colors(Color rps, Color success, Color p99, Color grid, Color text) {
        this.rps = rps;
        this.success = success;
        this.p99 = p99;
        this.grid = grid;
        this.text = text;
        paint();
    }

    void show(List<InspectorViewModel.Point> latest) {
        points = latest;
        paint();
    }

    @Override
    protected void layoutChildren() {
        canvas.setWidth(getWidth());
        canvas.setHeight(getHeight());
        paint();
    }

    private void paint() {
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.clearRect(0, 0, w, h);
        g.setStroke(grid);
        g.strokeRect(0.5, 0.5, w - 1, h - 1);
        if (points.size() < 2) {
            return;
        }
        double maxRps = Math.max(1, points.stream().mapToDouble(InspectorViewModel.Point::rps).max().orElse(1));
        double maxP99 = Math.max(1, points.stream().mapToDouble(InspectorViewModel.Point::p99Ms).max().orElse(1));
        line(g, w, h, rps, p -> p.rps() / maxRps);
        line(g, w, h, success, p -> p.successPercent() / 100);
        line(g, w, h, p99, p -> p.p99Ms() / maxP99);
        InspectorViewModel.Point last = points.get(points.size() - 1);
        g.setFont(font);
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.LEFT);
        g.setFill(rps);
        g.fillText(String.format(Locale.ROOT, "rps %.1f", last.rps()), 4, 2);
        g.setFill(success);
        g.fillText(String.format(Locale.ROOT, "ok %.1f%%", last.successPercent()), 70, 2);
        g.setFill(p99);
        g.fillText(String.format(Locale.ROOT, "p99 %.0f ms (max %.0f)", last.p99Ms(), maxP99), 140, 2);
        g.setFill(text);
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.BOTTOM);
        g.fillText("last " + points.size() + " s", w - 4, h - 2);
    }

    private void line(GraphicsContext g, double w, double h, Color c, ToDoubleFunction<InspectorViewModel.Point> f) {
        g.setStroke(c);
        g.setLineWidth(1.5);
        g.beginPath();
        int n = points.size();
        for (int i = 0; i < n; i++) {
            double x = 2 + (w - 4) * i / (double) Math.max(1, InspectorViewModel.HISTORY - 1);
            double y = h - 4 - Math.min(1, Math.max(0, f.applyAsDouble(points.get(i)))) * (h - 18);
            if (i == 0) {
                g.moveTo(x, y);
            } else {
                g.lineTo(x, y);
            }
        }
        g.stroke();
    }
}
