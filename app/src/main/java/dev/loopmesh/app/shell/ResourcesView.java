package dev.loopmesh.app.shell;

import javafx.css.PseudoClass;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.function.Consumer;

/** The left pane's list of mesh resources with their validation state; double-click one to edit it. */
public final class ResourcesView extends VBox {
    private static final PseudoClass WARNING = PseudoClass.getPseudoClass("warning");
    private static final PseudoClass REJECTED = PseudoClass.getPseudoClass("rejected");

    private final ListView<ResourcesViewModel.Row> list = new ListView<>();

    public ResourcesView(ResourcesViewModel vm, Consumer<String> open) {
        getStyleClass().add("resources-pane");
        Label heading = new Label("MESH RESOURCES");
        heading.getStyleClass().add("pane-heading");
        list.setId("resources-list");
        list.setItems(vm.rows());
        list.setPlaceholder(dev.loopmesh.app.common.Placeholder.of(
                "None yet. Resources applied from the Policy tab, or in the topology, show here with their state."));
        list.setCellFactory(l -> new RowCell());
        list.setOnMouseClicked(e -> {
            ResourcesViewModel.Row r = list.getSelectionModel().getSelectedItem();
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && r != null && r.key() != null) {
                open.accept(r.key());
            }
        });
        VBox.setVgrow(list, Priority.ALWAYS);
        getChildren().addAll(heading, list);
    }

    private static final class RowCell extends ListCell<ResourcesViewModel.Row> {
        private final Tooltip tip = new Tooltip();

        RowCell() {
            tip.setWrapText(true);
            tip.setMaxWidth(520);
        }

        @Override
        protected void updateItem(ResourcesViewModel.Row r, boolean empty) {
            super.updateItem(r, empty);
            pseudoClassStateChanged(WARNING, !empty && r != null && r.state() == ResourcesViewModel.State.WARNING);
            pseudoClassStateChanged(REJECTED, !empty && r != null && r.state() == ResourcesViewModel.State.REJECTED);
            if (empty || r == null) {
                setText(null);
                setTooltip(null);
                return;
            }
            String mark = switch (r.state()) {
                case OK -> "✓ ";
                case WARNING -> "⚠ ";
                case REJECTED -> "✖ ";
            };
            setText(mark + r.label());
            tip.setText(r.label() + "\n" + r.detail() + (r.key() == null ? "" : "\n\nDouble-click to open it in the policy editor."));
            setTooltip(tip);
        }
    }
}
