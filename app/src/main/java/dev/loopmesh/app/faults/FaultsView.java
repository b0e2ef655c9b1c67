package dev.loopmesh.app.faults;

import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** The Faults tab: the faults in force, each with its Remove button, and Remove all. */
public final class FaultsView extends VBox {
    private final FaultsViewModel vm;

    public FaultsView(FaultsViewModel vm) {
        this.vm = vm;
        build();
    }

    private void build() {
        Label heading = new Label("FAULTS IN FORCE");
        heading.getStyleClass().add("pane-heading");
        ListView<ActiveFault> list = new ListView<>(vm.active());
        list.setId("faults-list");
        list.setPlaceholder(dev.loopmesh.app.common.Placeholder.of("None. Right-click a service, a version or an edge in the graph to inject one."));
        list.setCellFactory(l -> new ListCell<>() {
            private final Button remove = new Button("Remove");

            @Override
            protected void updateItem(ActiveFault f, boolean empty) {
                super.updateItem(f, empty);
                if (empty || f == null) {
                    setText(null);
                    setGraphic(null);
                    return;
                }
                setText(f.describe());
                remove.setOnAction(e -> vm.remove(f));
                setGraphic(remove);
                setContentDisplay(javafx.scene.control.ContentDisplay.RIGHT);
            }
        });
        VBox.setVgrow(list, Priority.ALWAYS);
        Button removeAll = new Button("Remove all");
        removeAll.setOnAction(e -> vm.removeAll());
        Label msg = new Label();
        msg.getStyleClass().add("dim");
        msg.setWrapText(true);
        msg.textProperty().bind(vm.messageProperty());
        setSpacing(6);
        getChildren().addAll(heading, list, removeAll, msg);
        getStyleClass().add("faults-pane");
    }
}
