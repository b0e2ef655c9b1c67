package dev.loopmesh.app.traffic;

import dev.loopmesh.traffic.ClientStats;
import dev.loopmesh.traffic.TrafficSnapshot;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One card per load client: live numbers, a rate slider, pause, and its header mix. */
public final class LoadView extends VBox {
    private final LoadViewModel vm;
    private final Map<String, Card> cards = new LinkedHashMap<>();
    private final Label message = new Label();

    public LoadView(LoadViewModel vm) {
        this.vm = vm;
        getStyleClass().add("load-view");
        setSpacing(8);
        Label heading = new Label("LOAD CLIENTS");
        heading.getStyleClass().add("pane-heading");
        message.getStyleClass().add("dim");
        message.setWrapText(true);
        getChildren().addAll(heading, message);
        vm.snapshotProperty().addListener((o, a, s) -> show(s));
        vm.messageProperty().addListener((o, a, m) -> message.setText(m));
    }

    private void show(TrafficSnapshot s) {
        List<String> names = s.clients().stream().map(ClientStats::name).toList();
        if (!names.equals(List.copyOf(cards.keySet()))) {
            getChildren().removeIf(n -> n instanceof Card);
            cards.clear();
            for (String n : names) {
                Card c = new Card(n);
                cards.put(n, c);
                getChildren().add(c);
            }
        }
        for (ClientStats c : s.clients()) {
            cards.get(c.name()).update(c);
        }
    }

    private final class Card extends VBox {
        private final String name;
        private final Label numbers = new Label();
        private final Slider rate = new Slider(1, 200, 10);
        private final Label rateText = new Label();
        private final ToggleButton pause = new ToggleButton("Pause");
        private final TextField mix = new TextField();
        private boolean touched;

        Card(String name) {
            this.name = name;
            getStyleClass().add("load-card");
            setSpacing(4);
            Label title = new Label(name);
            title.getStyleClass().add("load-title");
            numbers.getStyleClass().add("mono");
            rate.setId("rate-" + name);
            rate.setMajorTickUnit(50);
            HBox.setHgrow(rate, Priority.ALWAYS);
            rateText.getStyleClass().add("mono");
            rateText.setMinWidth(56);
            HBox rateRow = new HBox(6, new Label("rate"), rate, rateText, pause);
            rateRow.setAlignment(Pos.CENTER_LEFT);
            mix.setId("mix-" + name);
            mix.setText(vm.headerMix(name));
            mix.setPromptText("end-user: jason=0.2, =0.8");
            mix.setTooltip(new Tooltip("Header mix: name: value=weight, …; several headers separated by ';'. An empty value sends no header."));
            HBox.setHgrow(mix, Priority.ALWAYS);
            Button applyMix = new Button("Set");
            applyMix.setOnAction(e -> vm.setHeaderMix(name, mix.getText()));
            mix.setOnAction(e -> vm.setHeaderMix(name, mix.getText()));
            HBox mixRow = new HBox(6, new Label("headers"), mix, applyMix);
            mixRow.setAlignment(Pos.CENTER_LEFT);
            getChildren().addAll(title, numbers, rateRow, mixRow);
            rate.valueProperty().addListener((o, a, v) -> rateText.setText(String.format(Locale.ROOT, "%.0f/s", v.doubleValue())));
            rate.valueChangingProperty().addListener((o, was, now) -> {
                if (!now) {
                    vm.setRate(name, Math.round(rate.getValue()));
                }
            });
            rate.setOnMouseReleased(e -> vm.setRate(name, Math.round(rate.getValue())));
            rate.setOnMousePressed(e -> touched = true);
            pause.setOnAction(e -> vm.setPaused(name, pause.isSelected()));
        }

        void update(ClientStats c) {
            if (!touched && !rate.isValueChanging()) {
                rate.setValue(c.ratePerSecond());
                touched = true;
            }
            rateText.setText(String.format(Locale.ROOT, "%.0f/s", rate.getValue()));
            pause.setSelected(c.paused());
            long ok = c.successes();
            long done = c.completed() + c.errors();
            numbers.setText(String.format(Locale.ROOT, "%.1f rps · p99 %.0f ms · %s ok · %d errors · %d dropped", c.rps(), c.p99Ms(),
                    done == 0 ? "–" : String.format(Locale.ROOT, "%.1f %%", 100.0 * ok / done), c.errors(), c.dropped()));
        }
    }
}
