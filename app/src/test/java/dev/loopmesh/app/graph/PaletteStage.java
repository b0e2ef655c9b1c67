package dev.loopmesh.app.graph;

import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

/** A window holding only the canvas palette with the app's stylesheet: painters read their colours from it. */
final class PaletteStage {
    private PaletteStage() {
    }

    static CanvasPalette show(Stage stage) {
        CanvasPalette palette = new CanvasPalette();
        stage.setScene(new Scene(new StackPane(palette), 100, 100));
        stage.getScene().getStylesheets().add(PaletteStage.class.getResource("/dev/loopmesh/app/loopmesh.css").toExternalForm());
        stage.show();
        return palette;
    }
}
