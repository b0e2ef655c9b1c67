package dev.loopmesh.app.graph;

import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;

import java.util.HashMap;
import java.util.Map;

/** The graph's fonts at the current text scale (presentation mode makes them larger), shared by its painters. */
final class GraphFonts {
    private double textScale;
    private Font title;
    private Font small;
    private Font tiny;
    private final Map<String, Double> textWidths = new HashMap<>();

    GraphFonts() {
        setTextScale(1);
    }

    /** Larger text for a projector: 1 is normal. */
    void setTextScale(double s) {
        textScale = s;
        title = Font.font("System", FontWeight.BOLD, 13 * s);
        small = Font.font("System", 10.5 * s);
        tiny = Font.font("System", FontWeight.BOLD, 8.5 * s);
        textWidths.clear();
    }

    double textScale() {
        return textScale;
    }

    /** Service names. */
    Font title() {
        return title;
    }

    /** Version rows and metric chips. */
    Font small() {
        return small;
    }

    /** Badges. */
    Font tiny() {
        return tiny;
    }

    /** The width of a row's text in layout units, in the row font (measured once per text and scale). */
    double textWidth(String text) {
        return textWidths.computeIfAbsent(text, t -> {
            javafx.scene.text.Text probe = new javafx.scene.text.Text(t);
            probe.setFont(small);
            return probe.getLayoutBounds().getWidth();
        });
    }
}
