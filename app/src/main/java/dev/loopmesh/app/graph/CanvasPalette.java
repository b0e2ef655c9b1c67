package dev.loopmesh.app.graph;

import javafx.scene.control.Label;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Colours for canvas drawing, taken from the style sheet: one invisible label per role whose
 * {@code -fx-text-fill} the CSS sets (see {@code .graph-palette} in loopmesh.css), so the palette lives in
 * CSS even where the drawing is done in Java.
 */
final class CanvasPalette extends Pane {
    static final String[] ROLES = {"healthy", "degraded", "failing", "idle", "node-fill", "node-border", "row-fill",
        "text", "text-dim", "selection", "label-fill", "link", "lock", "badge", "badge-text", "match", "background"};

    private final Map<String, Label> swatches = new LinkedHashMap<>();

    CanvasPalette() {
        getStyleClass().add("graph-palette");
        setManaged(false);
        setMouseTransparent(true);
        setOpacity(0);
        for (String role : ROLES) {
            Label l = new Label();
            l.getStyleClass().add(role);
            swatches.put(role, l);
            getChildren().add(l);
        }
    }

    Color color(String role) {
        Label l = swatches.get(role);
        Paint p = l == null ? null : l.getTextFill();
        return p instanceof Color c ? c : Color.GRAY;
    }

    Color health(EdgeHealth h) {
        return color(h.styleClass());
    }
}
