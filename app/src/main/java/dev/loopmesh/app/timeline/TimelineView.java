package dev.loopmesh.app.timeline;

import javafx.collections.ListChangeListener;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The bottom strip: the events as a list on the left, the charts with their markers on the right, the picked event's detail. */
public final class TimelineView extends HBox {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final TimelineViewModel vm;
    private final ListView<TimelineEvent> events = new ListView<>();
    private final TimelineChart chart = new TimelineChart();
    private final Label detail = new Label();

    public TimelineView(TimelineViewModel vm) {
        this.vm = vm;
        build();
        wire();
    }

    private void build() {
        getStyleClass().add("timeline");
        Label heading = new Label("TIMELINE");
        heading.getStyleClass().add("pane-heading");
        events.setId("config-events");
        events.setItems(vm.events());
        events.setCellFactory(l -> new EventCell());
        events.setPlaceholder(dev.loopmesh.app.common.Placeholder.of("No config or faults since start"));
        VBox.setVgrow(events, Priority.ALWAYS);
        VBox left = new VBox(2, heading, events);
        left.getStyleClass().add("events-box");
        left.setPrefWidth(430);
        left.setMinWidth(280);
        detail.setId("timeline-detail");
        detail.getStyleClass().addAll("timeline-detail", "mono");
        detail.setWrapText(true);
        detail.setMaxWidth(Double.MAX_VALUE);
        detail.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        chart.setId("timeline-chart");
        VBox.setVgrow(chart, Priority.ALWAYS);
        VBox right = new VBox(2, chart, detail);
        HBox.setHgrow(right, Priority.ALWAYS);
        getChildren().addAll(left, right);
    }

    private void wire() {
        vm.events().addListener((ListChangeListener<TimelineEvent>) c -> {
            if (!events.getItems().isEmpty()) {
                events.scrollTo(events.getItems().size() - 1);
            }
            repaint();
        });
        vm.samplesProperty().addListener((o, a, b) -> repaint());
        vm.selectedProperty().addListener((o, a, e) -> {
            detail.setText(e == null ? "" : TIME.format(e.time()) + (e.end() != null ? "–" + TIME.format(e.end()) : "") + "  " + e.title()
                    + (e.detail().isEmpty() ? "" : "\n" + e.detail()));
            if (e != null && events.getSelectionModel().getSelectedItem() != e) {
                events.getSelectionModel().select(e);
                events.scrollTo(e);
            }
            repaint();
        });
        events.getSelectionModel().selectedItemProperty().addListener((o, a, e) -> {
            if (e != null) {
                vm.select(e);
            }
        });
        chart.setOnPick(vm::select);
    }

    private void repaint() {
        chart.show(vm.samplesProperty().get(), List.copyOf(vm.events()), vm.selectedProperty().get());
    }

    private static final class EventCell extends ListCell<TimelineEvent> {
        @Override
        protected void updateItem(TimelineEvent e, boolean empty) {
            super.updateItem(e, empty);
            getStyleClass().removeAll("config", "rejected", "fault", "load", "ejection", "info", "history");
            if (empty || e == null) {
                setText(null);
                return;
            }
            getStyleClass().add(e.kind().styleClass());
            setText(TIME.format(e.time()) + "  " + e.title() + (e.isSpan() ? e.end() == null ? "  (active)" : "  (ended " + TIME.format(e.end()) + ")" : ""));
        }
    }
}
