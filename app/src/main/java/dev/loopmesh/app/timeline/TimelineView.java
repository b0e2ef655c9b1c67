package dev.loopmesh.app.timeline;

import dev.loopmesh.controlplane.ConfigEvent;
import javafx.css.PseudoClass;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** The bottom strip: config events on the left, the ingress's rps and success charts on the right. */
public final class TimelineView extends HBox {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final PseudoClass BAD = PseudoClass.getPseudoClass("bad");

    private final TimelineViewModel vm;
    private final ListView<ConfigEvent> events = new ListView<>();

    public TimelineView(TimelineViewModel vm) {
        this.vm = vm;
        build();
        wire();
    }

    private void build() {
        getStyleClass().add("timeline");
        Label heading = new Label("CONFIG EVENTS");
        heading.getStyleClass().add("pane-heading");
        events.setId("config-events");
        events.setItems(vm.events());
        events.setCellFactory(l -> new EventCell());
        events.setPlaceholder(new Label("No config applied since start"));
        VBox.setVgrow(events, Priority.ALWAYS);
        VBox left = new VBox(4, heading, events);
        left.getStyleClass().add("events-box");
        HBox.setHgrow(left, Priority.ALWAYS);
        left.setPrefWidth(420);
        LineChart<Number, Number> rps = chart("ingress rps", vm.rpsPoints(), false);
        LineChart<Number, Number> success = chart("ingress success %", vm.successPoints(), true);
        HBox.setHgrow(rps, Priority.ALWAYS);
        HBox.setHgrow(success, Priority.ALWAYS);
        getChildren().addAll(left, rps, success);
    }

    private static LineChart<Number, Number> chart(String title, javafx.collections.ObservableList<XYChart.Data<Number, Number>> points,
                                                   boolean percent) {
        NumberAxis x = new NumberAxis();
        x.setForceZeroInRange(false);
        x.setTickLabelsVisible(false);
        x.setTickMarkVisible(false);
        x.setMinorTickVisible(false);
        NumberAxis y = percent ? new NumberAxis(0, 100, 25) : new NumberAxis();
        y.setAutoRanging(!percent);
        LineChart<Number, Number> chart = new LineChart<>(x, y);
        chart.setTitle(title);
        chart.setLegendVisible(false);
        chart.setCreateSymbols(false);
        chart.setAnimated(false);
        chart.getStyleClass().add(percent ? "success-chart" : "rps-chart");
        chart.getData().add(new XYChart.Series<>(points));
        chart.setPrefWidth(320);
        chart.setMinWidth(200);
        return chart;
    }

    private void wire() {
        vm.events().addListener((javafx.collections.ListChangeListener<ConfigEvent>) c -> {
            if (!events.getItems().isEmpty()) {
                events.scrollTo(events.getItems().size() - 1);
            }
        });
    }

    private static final class EventCell extends ListCell<ConfigEvent> {
        @Override
        protected void updateItem(ConfigEvent e, boolean empty) {
            super.updateItem(e, empty);
            boolean bad = !empty && e != null && (e.type() == ConfigEvent.Type.REJECTED || e.type() == ConfigEvent.Type.NACKED);
            pseudoClassStateChanged(BAD, bad);
            if (empty || e == null) {
                setText(null);
                return;
            }
            setText(TIME.format(e.time()) + "  " + e.type() + "  " + e.resource() + "  v" + e.version()
                    + (e.proxies().isEmpty() ? "" : "  → " + e.proxies().size() + " proxies")
                    + (e.detail().isEmpty() ? "" : "  " + e.detail()));
        }
    }
}
