package dev.loopmesh.app.history;

import javafx.css.PseudoClass;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The changes made to the running mesh, oldest first, the undone ones dimmed: pick one to read what it
 * changed, double-click (or "Go here") to undo or redo up to it.
 */
public final class HistoryView extends VBox {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final PseudoClass UNDONE = PseudoClass.getPseudoClass("undone");

    private final HistoryViewModel vm;
    private final ListView<HistoryViewModel.Entry> list = new ListView<>();
    private final Button undo = new Button("Undo");
    private final Button redo = new Button("Redo");
    private final Button goHere = new Button("Go here");
    private final TextArea detail = new TextArea();
    private final Label message = new Label();

    public HistoryView(HistoryViewModel vm) {
        this.vm = vm;
        build();
        wire();
    }

    private void build() {
        getStyleClass().add("history-pane");
        Label heading = new Label("CHANGES TO THE MESH");
        heading.getStyleClass().add("pane-heading");
        undo.setId("history-undo");
        redo.setId("history-redo");
        goHere.setId("history-go");
        goHere.setTooltip(new Tooltip("Undo or redo, one change at a time, until the picked change is the last in force (or double-click it)"));
        HBox bar = new HBox(6, undo, redo, goHere);
        bar.setAlignment(Pos.CENTER_LEFT);
        list.setId("history-list");
        list.setPlaceholder(dev.loopmesh.app.common.Placeholder.of("No changes yet. Apply a policy or inject a fault: each can be undone and redone here."));
        list.setCellFactory(l -> new EntryCell());
        detail.setId("history-detail");
        detail.setEditable(false);
        detail.setWrapText(false);
        detail.getStyleClass().addAll("mono", "diff");
        SplitPane split = new SplitPane(list, detail);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.55);
        VBox.setVgrow(split, Priority.ALWAYS);
        message.getStyleClass().add("dim");
        message.setWrapText(true);
        getChildren().addAll(heading, bar, split, message);
    }

    private void wire() {
        undo.setOnAction(e -> vm.undo());
        redo.setOnAction(e -> vm.redo());
        undo.disableProperty().bind(vm.canUndoProperty().not());
        redo.disableProperty().bind(vm.canRedoProperty().not());
        undo.tooltipProperty().bind(vm.undoTextProperty().map(t -> new Tooltip(t + " (Ctrl+Alt+Z)")));
        redo.tooltipProperty().bind(vm.redoTextProperty().map(t -> new Tooltip(t + " (Ctrl+Alt+Shift+Z)")));
        list.setItems(vm.entries());
        goHere.disableProperty().bind(list.getSelectionModel().selectedItemProperty().isNull().or(vm.busyProperty()));
        goHere.setOnAction(e -> goToSelected());
        list.setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                goToSelected();
            }
        });
        list.getSelectionModel().selectedItemProperty().addListener((o, a, entry) -> detail.setText(entry == null ? ""
                : entry.change().title() + (entry.applied() ? "" : "  (undone)") + "\n\n" + entry.change().detail()));
        message.textProperty().bind(vm.messageProperty());
    }

    private void goToSelected() {
        int i = list.getSelectionModel().getSelectedIndex();
        if (i >= 0) {
            vm.travel(i + 1);
        }
    }

    private static final class EntryCell extends ListCell<HistoryViewModel.Entry> {
        @Override
        protected void updateItem(HistoryViewModel.Entry e, boolean empty) {
            super.updateItem(e, empty);
            pseudoClassStateChanged(UNDONE, !empty && e != null && !e.applied());
            getStyleClass().removeAll("policy", "fault");
            if (empty || e == null) {
                setText(null);
                return;
            }
            getStyleClass().add(e.change().kind() == Reversible.Kind.POLICY ? "policy" : "fault");
            setText(TIME.format(e.change().time()) + "  " + e.change().title() + (e.applied() ? "" : "  (undone)"));
        }
    }
}
