package dev.loopmesh.app.shell;

import dev.loopmesh.app.editor.EditorView;
import dev.loopmesh.app.faults.ActiveFault;
import dev.loopmesh.app.faults.FaultMenu;
import dev.loopmesh.app.faults.FaultsView;
import dev.loopmesh.app.graph.EdgeLabelMode;
import dev.loopmesh.app.graph.GraphView;
import dev.loopmesh.app.history.HistoryView;
import dev.loopmesh.app.inspector.InspectorView;
import dev.loopmesh.app.timeline.TimelineView;
import dev.loopmesh.app.traffic.LoadView;
import dev.loopmesh.app.traffic.ProbeView;
import javafx.collections.ListChangeListener;
import javafx.css.PseudoClass;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

import java.util.Locale;

/** The main window's content: toolbar, services, graph, the right-hand tabs (inspect, policy, load, faults, history), timeline. */
public final class MainView extends BorderPane {
    private static final PseudoClass LIGHT = PseudoClass.getPseudoClass("light");
    private static final PseudoClass PRESENTATION = PseudoClass.getPseudoClass("presentation");

    private final MainViewModel vm;
    private final Label meshName = new Label();
    private final Button startStop = new Button("Start");
    private final ProgressIndicator progress = new ProgressIndicator();
    private final Label ingress = new Label();
    private final TextField path = new TextField("/productpage");
    private final TextField headers = new TextField();
    private final Button send = new Button("Send one request");
    private final Label message = new Label();
    private final ProbeView probe = new ProbeView();
    private final ProgressIndicator centreProgress = new ProgressIndicator();
    private final Label centreMessage = new Label();
    private final TextField search = new TextField();
    private final ChoiceBox<EdgeLabelMode> labels = new ChoiceBox<>();
    private final ToggleButton light = new ToggleButton("Light");
    private final ToggleButton presentation = new ToggleButton("Present");
    private final MenuButton open = new MenuButton("Open");
    private final ChoiceBox<Double> speed = new ChoiceBox<>();
    private final Button undo = new Button("Undo");
    private final Button redo = new Button("Redo");
    private final TabPane right = new TabPane();
    private GraphView graph;
    private ContextMenu openMenu;

    public MainView(MainViewModel vm) {
        this.vm = vm;
        build();
        wire();
    }

    private void build() {
        getStyleClass().add("main-view");
        setTop(toolbar());
        SplitPane left = new SplitPane(new ServicesView(vm), new ResourcesView(vm.resources(), this::openResource));
        left.setOrientation(Orientation.VERTICAL);
        left.setDividerPositions(0.62);
        SplitPane columns = new SplitPane(left, centre(), right());
        columns.setDividerPositions(0.16, 0.68);
        SplitPane rows = new SplitPane(columns, new TimelineView(vm.timeline()));
        rows.setOrientation(Orientation.VERTICAL);
        rows.setDividerPositions(0.74);
        setCenter(rows);
        setBottom(statusBar());
    }

    private ToolBar toolbar() {
        Label brand = new Label("loopmesh");
        brand.getStyleClass().add("brand");
        meshName.setId("mesh-name");
        meshName.getStyleClass().add("mesh-name");
        open.setId("open-topology");
        open.setTooltip(new Tooltip("Run another topology: the mesh running now stops first"));
        MenuItem file = new MenuItem("Topology file…");
        file.setId("open-file");
        file.setOnAction(e -> chooseTopology());
        MenuItem bookinfo = new MenuItem("Built-in Bookinfo");
        bookinfo.setId("open-bookinfo");
        bookinfo.setOnAction(e -> vm.open(java.util.List.of()));
        open.getItems().addAll(file, bookinfo);
        speed.setId("time-scale");
        speed.getItems().setAll(2.0, 1.0, 0.5, 0.2, 0.1);
        speed.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(Double d) {
                return d == null ? "" : "speed " + MainViewModel.speed(d);
            }

            @Override
            public Double fromString(String s) {
                return null;
            }
        });
        speed.setTooltip(new Tooltip("How fast the mesh's configured durations run: latencies, timeouts, fault delays, chaos schedules."
                + "\nAt 10× a 7 s delay takes 0.7 s and is still reported as 7 s. Changing it restarts the mesh."));
        startStop.setId("start-stop");
        progress.setId("start-progress");
        progress.setPrefSize(18, 18);
        progress.setMaxSize(18, 18);
        ingress.setId("ingress-address");
        ingress.getStyleClass().add("mono");
        path.setId("probe-path");
        path.setPrefColumnCount(10);
        headers.setId("probe-headers");
        headers.setPromptText("end-user: jason");
        headers.setPrefColumnCount(10);
        headers.setTooltip(new Tooltip("Headers for the request, name: value; several separated by ';'"));
        send.setId("send-request");
        send.getStyleClass().add("accent");
        send.setTooltip(new Tooltip("Send one GET through the ingress and show its call tree and decision trace (Ctrl+Enter)"));
        message.setId("status-message");
        message.getStyleClass().add("dim");
        search.setId("graph-search");
        search.setPromptText("Search (Ctrl+F)");
        search.setPrefColumnCount(9);
        labels.setId("edge-labels");
        labels.getItems().setAll(EdgeLabelMode.values());
        labels.setValue(EdgeLabelMode.ALL);
        labels.setTooltip(new Tooltip("What the edges' labels show"));
        Button fit = new Button("Fit");
        fit.setTooltip(new Tooltip("Show the whole graph (F, or double-click the graph); wheel zooms, drag pans"));
        fit.setOnAction(e -> graph.fitToWindow());
        light.setId("theme-toggle");
        light.setTooltip(new Tooltip("Light theme (Ctrl+T)"));
        presentation.setId("presentation-toggle");
        presentation.setTooltip(new Tooltip("Presentation mode: larger text for a projector (F11)"));
        undo.setId("undo");
        redo.setId("redo");
        send.setText("Send");
        path.setPrefColumnCount(8);
        headers.setPrefColumnCount(8);
        search.setPrefColumnCount(8);
        // no button gives up its text to the others: the toolbar's overflow menu takes what does not fit
        for (javafx.scene.control.Control c : new javafx.scene.control.Control[] {open, startStop, speed, send, labels, fit, undo, redo, light,
            presentation}) {
            c.setMinWidth(Region.USE_PREF_SIZE);
        }
        brand.setMinWidth(Region.USE_PREF_SIZE);
        meshName.setMinWidth(Region.USE_PREF_SIZE);
        return new ToolBar(brand, meshName, open, startStop, progress, speed,
                new Separator(Orientation.VERTICAL), path, headers, send,
                new Separator(Orientation.VERTICAL), search, labels, fit, new Separator(Orientation.VERTICAL), undo, redo,
                new Separator(Orientation.VERTICAL), light, presentation);
    }

    /** The bottom line: what the mesh is doing, and where its ingress listens. */
    private HBox statusBar() {
        Label at = new Label("ingress");
        at.getStyleClass().add("dim");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(8, message, spacer, at, ingress);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("status-bar");
        return bar;
    }

    private StackPane centre() {
        graph = new GraphView(vm.graph());
        graph.setId("graph");
        centreProgress.setMaxSize(48, 48);
        centreMessage.getStyleClass().add("dim");
        VBox overlay = new VBox(12, centreProgress, centreMessage);
        overlay.getStyleClass().add("centre-overlay");
        overlay.setMouseTransparent(true);
        overlay.setFillWidth(false);
        overlay.setAlignment(Pos.CENTER);
        Label hint = new Label("right-click a service, version or edge to break it · wheel to zoom · drag to pan");
        hint.getStyleClass().addAll("dim", "graph-hint");
        hint.setMouseTransparent(true);
        StackPane.setAlignment(hint, Pos.BOTTOM_LEFT);
        StackPane pane = new StackPane(graph, overlay, hint);
        pane.getStyleClass().add("graph-pane");
        return pane;
    }

    private TabPane right() {
        InspectorView inspector = new InspectorView(vm.inspector());
        Tab inspect = new Tab("Inspect", inspector);
        inspect.setId("tab-inspect");
        Tab policy = new Tab("Policy", new EditorView(vm.editor()));
        policy.setId("tab-policy");
        VBox loadBox = new VBox(10, new LoadView(vm.load()), probe);
        loadBox.getStyleClass().add("load-box");
        VBox.setVgrow(probe, Priority.ALWAYS);
        Tab load = new Tab("Load", loadBox);
        load.setId("tab-load");
        Tab faults = new Tab("Faults", new FaultsView(vm.faults()));
        faults.setId("tab-faults");
        Tab history = new Tab("History", new HistoryView(vm.history()));
        history.setId("tab-history");
        right.getTabs().addAll(inspect, policy, load, faults, history);
        right.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        right.getStyleClass().add("right-pane");
        right.setId("right-tabs");
        return right;
    }

    private void wire() {
        meshName.textProperty().bind(vm.meshNameProperty());
        meshName.tooltipProperty().bind(vm.topologyNameProperty().map(t -> new Tooltip("topology: " + t)));
        speed.setValue(vm.timeScaleProperty().get());
        speed.valueProperty().addListener((o, a, v) -> {
            if (v != null) {
                vm.setTimeScale(v);
            }
        });
        vm.timeScaleProperty().addListener((o, a, v) -> speed.setValue(v.doubleValue()));
        ingress.textProperty().bind(vm.ingressProperty());
        message.textProperty().bind(vm.messageProperty());
        startStop.setOnAction(e -> {
            if (vm.state().canStop()) {
                vm.stop();
            } else {
                vm.start();
            }
        });
        send.setOnAction(e -> sendRequest());
        undo.setOnAction(e -> vm.history().undo());
        redo.setOnAction(e -> vm.history().redo());
        undo.disableProperty().bind(vm.history().canUndoProperty().not());
        redo.disableProperty().bind(vm.history().canRedoProperty().not());
        undo.tooltipProperty().bind(vm.history().undoTextProperty().map(t -> new Tooltip(t + " (Ctrl+Alt+Z)")));
        redo.tooltipProperty().bind(vm.history().redoTextProperty().map(t -> new Tooltip(t + " (Ctrl+Alt+Shift+Z)")));
        path.setOnAction(e -> sendRequest());
        headers.setOnAction(e -> sendRequest());
        vm.stateProperty().addListener((o, before, now) -> showState(before, now));
        showState(null, vm.state());
        // "send one request" starts from a path the mesh's own load sends through the ingress (Bookinfo's /productpage)
        vm.specProperty().addListener((o, a, spec) -> firstIngressPath(spec).ifPresent(path::setText));
        vm.probeProperty().addListener((o, a, r) -> {
            if (r != null) {
                probe.show(r.path(), r.status(), r.millis(), r.body(), r.error(), r.requestId(), r.trace());
            }
        });
        search.textProperty().addListener((o, a, t) -> {
            var found = vm.graph().search(t);
            if (!found.isEmpty()) {
                graph.focus(found.iterator().next());
            }
        });
        labels.valueProperty().addListener((o, a, m) -> graph.setLabelMode(m));
        light.selectedProperty().addListener((o, a, on) -> {
            pseudoClassStateChanged(LIGHT, on);
            graph.restyle();
        });
        presentation.selectedProperty().addListener((o, a, on) -> {
            pseudoClassStateChanged(PRESENTATION, on);
            graph.setTextScale(on ? 1.35 : 1);
        });
        FaultMenu menus = new FaultMenu(vm.faults(), vm.graph());
        graph.setOnContextMenu((selection, at) -> {
            if (openMenu != null) {
                openMenu.hide();
            }
            openMenu = menus.menuFor(selection, vm.podsProperty().get());
            if (!openMenu.getItems().isEmpty()) {
                openMenu.show(graph, at.getX(), at.getY());
            }
        });
        vm.faults().active().addListener((ListChangeListener<ActiveFault>) c -> right.getTabs().get(3)
                .setText(vm.faults().active().isEmpty() ? "Faults" : "Faults (" + vm.faults().active().size() + ")"));
        sceneProperty().addListener((o, a, scene) -> {
            if (scene != null) {
                shortcuts(scene);
            }
        });
    }

    /** A resource double-clicked in the left pane: its text in the policy editor. */
    private void openResource(String key) {
        vm.editor().open(key);
        right.getSelectionModel().select(1);
    }

    private void chooseTopology() {
        javafx.stage.FileChooser chooser = new javafx.stage.FileChooser();
        chooser.setTitle("Open a topology");
        chooser.getExtensionFilters().addAll(new javafx.stage.FileChooser.ExtensionFilter("YAML", "*.yaml", "*.yml"),
                new javafx.stage.FileChooser.ExtensionFilter("All files", "*"));
        java.nio.file.Path examples = java.nio.file.Path.of("topologies");
        if (java.nio.file.Files.isDirectory(examples)) {
            chooser.setInitialDirectory(examples.toFile());
        }
        java.util.List<java.io.File> chosen = chooser.showOpenMultipleDialog(getScene() == null ? null : getScene().getWindow());
        if (chosen != null && !chosen.isEmpty()) {
            vm.open(chosen.stream().map(java.io.File::toPath).toList());
        }
    }

    private void sendRequest() {
        vm.sendOneRequest(path.getText(), headers.getText());
        right.getSelectionModel().select(2);
    }

    private void shortcuts(javafx.scene.Scene scene) {
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN), search::requestFocus);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.T, KeyCombination.SHORTCUT_DOWN), () -> light.setSelected(!light.isSelected()));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F11), () -> presentation.setSelected(!presentation.isSelected()));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.ENTER, KeyCombination.SHORTCUT_DOWN), this::sendRequest);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.E, KeyCombination.SHORTCUT_DOWN), () -> right.getSelectionModel().select(1));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.I, KeyCombination.SHORTCUT_DOWN), () -> right.getSelectionModel().select(0));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.L, KeyCombination.SHORTCUT_DOWN), () -> right.getSelectionModel().select(2));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.PLUS, KeyCombination.SHORTCUT_DOWN), graph::zoomIn);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.EQUALS, KeyCombination.SHORTCUT_DOWN), graph::zoomIn);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.MINUS, KeyCombination.SHORTCUT_DOWN), graph::zoomOut);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.DIGIT0, KeyCombination.SHORTCUT_DOWN), graph::fitToWindow);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.Z, KeyCombination.SHORTCUT_DOWN, KeyCombination.ALT_DOWN), vm.history()::undo);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.Z, KeyCombination.SHORTCUT_DOWN, KeyCombination.ALT_DOWN,
                KeyCombination.SHIFT_DOWN), vm.history()::redo);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.Y, KeyCombination.SHORTCUT_DOWN, KeyCombination.ALT_DOWN), vm.history()::redo);
    }

    /** For the perf report and tests. */
    public GraphView graphView() {
        return graph;
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
        open.setDisable(now == MeshState.STOPPING);
        send.setDisable(now != MeshState.RUNNING);
    }

    private static java.util.Optional<String> firstIngressPath(dev.loopmesh.topology.MeshSpec spec) {
        if (spec == null) {
            return java.util.Optional.empty();
        }
        return spec.traffic().stream().filter(c -> "ingress".equals(c.target())).flatMap(c -> c.paths().stream())
                .map(dev.loopmesh.topology.TrafficClientSpec.Weighted::value).findFirst();
    }
}
