package dev.loopmesh.app.inspector;

import dev.loopmesh.telemetry.tracing.SpanRecord;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A trace as a waterfall: one bar per span, indented by depth, placed on the trace's time axis; errors in red. */
final class Waterfall extends Region {
    static final double ROW = 18;
    private final Canvas canvas = new Canvas();
    private final Font font = Font.font("System", 10);
    private List<SpanRecord> spans = List.of();

    Waterfall() {
        getChildren().add(canvas);
        getStyleClass().add("waterfall");
    }

    void show(List<SpanRecord> latest) {
        spans = latest;
        setPrefHeight(Math.max(60, spans.size() * ROW + 8));
        requestLayout();
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
        if (spans.isEmpty()) {
            g.setFill(Color.web("#8693a3"));
            g.setFont(font);
            g.setTextBaseline(VPos.TOP);
            g.fillText("Pick a trace above to see its spans", 6, 6);
            return;
        }
        long start = spans.stream().mapToLong(SpanRecord::startEpochMicros).min().orElse(0);
        long end = spans.stream().mapToLong(SpanRecord::endEpochMicros).max().orElse(start + 1);
        double total = Math.max(1, end - start);
        Map<String, Integer> depth = new HashMap<>();
        for (SpanRecord s : spans) {
            depth.put(s.spanId(), depth.getOrDefault(s.parentSpanId(), -1) + 1);
        }
        double labelW = Math.min(230, w * 0.45);
        double barW = w - labelW - 8;
        g.setFont(font);
        g.setTextBaseline(VPos.CENTER);
        for (int i = 0; i < spans.size(); i++) {
            SpanRecord s = spans.get(i);
            double y = 4 + i * ROW;
            int d = Math.min(8, depth.getOrDefault(s.spanId(), 0));
            g.setFill(Color.web("#8693a3"));
            g.setTextAlign(TextAlignment.LEFT);
            String name = (s.kind() == SpanRecord.Kind.CLIENT ? "→ " : "⇢ ") + s.proxy();
            g.fillText(name, 4 + d * 8, y + ROW / 2, labelW - 8 - d * 8);
            double x0 = labelW + (s.startEpochMicros() - start) / total * barW;
            double bw = Math.max(2, s.durationMicros() / total * barW);
            g.setFill(s.isError() ? Color.web("#f85149") : s.kind() == SpanRecord.Kind.CLIENT ? Color.web("#4c9aff") : Color.web("#3fb950"));
            g.fillRect(x0, y + 3, bw, ROW - 6);
            g.setFill(Color.web("#d6dde6"));
            String label = String.format(Locale.ROOT, "%.1f ms %d%s", s.durationMicros() / 1000.0, s.status(),
                    "-".equals(s.responseFlags()) ? "" : " " + s.responseFlags());
            boolean right = x0 + bw + 80 < w;
            g.setTextAlign(right ? TextAlignment.LEFT : TextAlignment.RIGHT);
            g.fillText(label, right ? x0 + bw + 4 : x0 - 4, y + ROW / 2);
        }
    }
}
