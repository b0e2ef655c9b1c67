package dev.loopmesh.app.shell;

import dev.loopmesh.app.graph.GraphView;
import dev.loopmesh.app.inspector.InspectorView;
import dev.loopmesh.app.timeline.TimelineView;
import javafx.css.PseudoClass;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Separator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToolBar;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

import java.util.Locale;

/** The main window's content: toolbar, services, graph, inspector, timeline. */
public final class MainView extends BorderPane {
    private final MainViewModel vm;
    private final Label meshName = new Label();
    private final Button startStop = new Button("Start");
    private final ProgressIndicator progress = new ProgressIndicator();
    private final Label ingress = new Label();
    private final TextField path = new TextField("/productpage");
    private final Button send = new Button("Send one request");
    private final Label message = new Label();
    private final Label probeStatus = new Label("No request sent yet");
    private final TextArea probeBody = new TextArea();
    private final ProgressIndicator centreProgress = new ProgressIndicator();
    private final Label centreMessage = new Label();

    public MainView(MainViewModel vm) {
        this.vm = vm;
        build();
        wire();
    }

    private void build() {
        getStyleClass().add("main-view");
        setTop(toolbar());
        SplitPane columns = new SplitPane(new ServicesView(vm), centre(), right());
        columns.setDividerPositions(0.165, 0.765);
        SplitPane rows = new SplitPane(columns, new TimelineView(vm.timeline()));
        rows.setOrientation(Orientation.VERTICAL);
        rows.setDividerPositions(0.75);
        setCenter(rows);
    }

    private ToolBar toolbar() {
        Label brand = new Label("loopmesh");
        brand.getStyleClass().add("brand");
        meshName.setId("mesh-name");
        meshName.getStyleClass().add("mesh-name");
        startStop.setId("start-stop");
        progress.setId("start-progress");
        progress.setPrefSize(18, 18);
        progress.setMaxSize(18, 18);
        ingress.setId("ingress-address");
        ingress.getStyleClass().add("mono");
        path.setId("probe-path");
        path.setPrefColumnCount(14);
        send.setId("send-request");
        send.getStyleClass().add("accent");
        message.setId("status-message");
        message.getStyleClass().add("dim");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        return new ToolBar(brand, meshName, new Separator(Orientation.VERTICAL), startStop, progress,
                new Separator(Orientation.VERTICAL), new Label("ingress"), ingress, path, send, spacer, message);
    }

    private StackPane centre() {
        GraphView graph = new GraphView(vm.graph());
        graph.setId("graph");
        centreProgress.setMaxSize(48, 48);
        centreMessage.getStyleClass().add("dim");
        VBox overlay = new VBox(12, centreProgress, centreMessage);
        overlay.getStyleClass().add("centre-overlay");
        overlay.setMouseTransparent(true);
        overlay.setFillWidth(false);
        overlay.setAlignment(javafx.geometry.Pos.CENTER);
        StackPane pane = new StackPane(graph, overlay);
        pane.getStyleClass().add("graph-pane");
        return pane;
    }

    private VBox right() {
        InspectorView inspector = new InspectorView(vm.inspector());
        VBox.setVgrow(inspector, Priority.ALWAYS);
        probeStatus.setId("probe-status");
        probeBody.setId("probe-body");
        probeBody.setEditable(false);
        probeBody.setWrapText(true);
        probeBody.setPrefRowCount(6);
        probeBody.getStyleClass().add("mono");
        TitledPane probe = new TitledPane("Request through the ingress", new VBox(6, probeStatus, probeBody));
        probe.setId("probe-pane");
        probe.setCollapsible(false);
        VBox right = new VBox(inspector, probe);
        right.getStyleClass().add("right-pane");
        return right;
    }

    private void wire() {
        meshName.textProperty().bind(vm.meshNameProperty());
        ingress.textProperty().bind(vm.ingressProperty());
        message.textProperty().bind(vm.messageProperty());
        startStop.setOnAction(e -> {
            if (vm.state().canStop()) {
                vm.stop();
            } else {
                vm.start();
            }
        });
        send.setOnAction(e -> vm.sendOneRequest(path.getText()));
        path.setOnAction(e -> vm.sendOneRequest(path.getText()));
        vm.stateProperty().addListener((o, before, now) -> showState(before, now));
        showState(null, vm.state());
        vm.probeProperty().addListener((o, a, r) -> showProbe(r));
    }

    private void showState(MeshState before, MeshState now) {
        if (before != null) {
            pseudoClassStateChanged(PseudoClass.getPseudoClass(before.name().toLowerCase(Locale.ROOT)), false);
        }
        pseudoClassStateChanged(PseudoClass.getPseudoClass(now.name().toLowerCase(Locale.ROOT)), true);
        boolean busy = now == MeshState.STARTING || now == MeshState.STOPPING;
        progress.setVisible(busy);
        progress.setManaged(busy);
        centreProgress.setVisible(busy);
        centreMessage.setVisible(now != MeshState.RUNNING);
        centreMessage.setText(now == MeshState.STARTING ? "Starting the mesh…" : now == MeshState.FAILED ? vm.messageProperty().get() : "");
        startStop.setText(now.canStop() || now == MeshState.STOPPING ? "Stop" : "Start");
        startStop.setDisable(busy);
        send.setDisable(now != MeshState.RUNNING);
    }

    private void showProbe(ProbeResult r) {
        probeStatus.getStyleClass().removeAll("healthy", "failing");
        probeStatus.getStyleClass().add(r.ok() ? "healthy" : "failing");
        probeStatus.setText(r.status() == 0 ? "GET " + r.path() + " → no response (" + r.millis() + " ms)"
                : "GET " + r.path() + " → " + r.status() + " in " + r.millis() + " ms");
        probeBody.setText(r.error().isEmpty() ? prettyJson(r.body()) : r.error());
    }

    /** Indents JSON for reading without a JSON library: breaks after braces, brackets and commas outside strings. */
    static String prettyJson(String body) {
        String trimmed = body.strip();
        if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) {
            return body;
        }
        StringBuilder out = new StringBuilder();
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c == '"' && (i == 0 || trimmed.charAt(i - 1) != '\\')) {
                inString = !inString;
            }
            if (inString) {
                out.append(c);
                continue;
            }
            switch (c) {
                case '{', '[' -> {
                    out.append(c).append('\n');
                    depth++;
                    out.append("  ".repeat(depth));
                }
                case '}', ']' -> {
                    depth = Math.max(0, depth - 1);
                    out.append('\n').append("  ".repeat(depth)).append(c);
                }
                case ',' -> out.append(",\n").append("  ".repeat(depth));
                case ':' -> out.append(": ");
                default -> {
                    if (!Character.isWhitespace(c)) {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
