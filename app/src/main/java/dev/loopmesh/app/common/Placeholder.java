package dev.loopmesh.app.common;

import javafx.geometry.Insets;
import javafx.scene.control.Label;

/** What an empty list says: dim text that wraps in a narrow pane instead of being cut off. */
public final class Placeholder {
    private Placeholder() {
    }

    public static Label of(String text) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.getStyleClass().addAll("dim", "placeholder");
        l.setPadding(new Insets(8));
        return l;
    }
}
