package dev.loopmesh.app.inspector;

import dev.loopmesh.app.graph.TrafficStats;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.telemetry.RequestRecord;
import javafx.css.PseudoClass;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The right pane: the selection's numbers, pods and last requests. */
public final class InspectorView extends VBox {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final PseudoClass FAILED = PseudoClass.getPseudoClass("failed");

    private final InspectorViewModel vm;
    private final Label title = new Label();
    private final Label subtitle = new Label();
    private final Label rps = value("rps");
    private final Label success = value("success");
    private final Label p50 = value("p50");
    private final Label p95 = value("p95");
    private final Label p99 = value("p99");
    private final Label requests = value("requests");
    private final Label responses = new Label();
    private final Label pods = new Label();
    private final Label faults = new Label();
    private final javafx.scene.control.TextArea request = new javafx.scene.control.TextArea();
    private RequestRecord shownLatest;
    private final ListView<RequestRecord> log = new ListView<>();
    private final Sparkline spark = new Sparkline();
    private final javafx.scene.control.TextArea config = new javafx.scene.control.TextArea();
    private final ListView<dev.loopmesh.telemetry.tracing.TraceSummary> traces = new ListView<>();
    private final Waterfall waterfall = new Waterfall();

    public InspectorView(InspectorViewModel vm) {
        this.vm = vm;
        build();
        wire();
    }

    private static Label value(String id) {
        Label l = new Label("–");
        l.setId("inspector-" + id);
        l.getStyleClass().add("metric-value");
        return l;
    }

    private void build() {
        getStyleClass().add("inspector");
        title.getStyleClass().add("inspector-title");
        title.setId("inspector-title");
        subtitle.getStyleClass().add("dim");
        subtitle.setWrapText(true);
        GridPane grid = new GridPane();
        grid.getStyleClass().add("metrics");
        addMetric(grid, 0, 0, "rps", rps);
        addMetric(grid, 1, 0, "success", success);
        addMetric(grid, 2, 0, "requests (10 s)", requests);
        addMetric(grid, 0, 1, "p50", p50);
        addMetric(grid, 1, 1, "p95", p95);
        addMetric(grid, 2, 1, "p99", p99);
        responses.getStyleClass().add("mono");
        responses.setWrapText(true);
        pods.getStyleClass().add("mono");
        pods.setWrapText(true);
        for (Label l : new Label[] {responses, faults, pods}) {
            l.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        }
        faults.setId("inspector-faults");
        faults.getStyleClass().addAll("inspector-faults", "failing");
        faults.setWrapText(true);
        faults.managedProperty().bind(faults.textProperty().isNotEmpty());
        faults.visibleProperty().bind(faults.textProperty().isNotEmpty());
        request.setId("inspector-request");
        request.setEditable(false);
        request.setWrapText(false);
        request.getStyleClass().add("mono");
        request.setPromptText("Pick a request above to read its access-log line and its proxy's decision trace.");
        log.setId("inspector-log");
        log.getStyleClass().add("access-log");
        log.setCellFactory(l -> new RecordCell());
        log.setPlaceholder(new Label("No requests yet"));
        config.setId("inspector-config");
        config.setEditable(false);
        config.getStyleClass().add("mono");
        traces.setId("inspector-traces");
        traces.getStyleClass().add("access-log");
        traces.setPlaceholder(new Label("No traces yet (press Refresh)"));
        traces.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(dev.loopmesh.telemetry.tracing.TraceSummary t, boolean empty) {
                super.updateItem(t, empty);
                setText(empty || t == null ? null : TIME.format(Instant.ofEpochMilli(t.startEpochMicros() / 1000)) + "  "
                        + String.format(Locale.ROOT, "%7.1f ms  %2d spans  ", t.durationMs(), t.spanCount()) + t.rootService());
            }
        });
        traces.setPrefHeight(150);
        javafx.scene.control.Button refresh = new javafx.scene.control.Button("Refresh");
        refresh.setOnAction(e -> vm.refreshTraces());
        javafx.scene.control.ScrollPane fall = new javafx.scene.control.ScrollPane(waterfall);
        fall.setFitToWidth(true);
        VBox.setVgrow(fall, Priority.ALWAYS);
        VBox traceBox = new VBox(4, refresh, traces, fall);
        javafx.scene.control.SplitPane logSplit = new javafx.scene.control.SplitPane(log, request);
        logSplit.setOrientation(javafx.geometry.Orientation.VERTICAL);
        logSplit.setDividerPositions(0.55);
        javafx.scene.control.Tab logTab = new javafx.scene.control.Tab("Requests", logSplit);
        javafx.scene.control.Tab configTab = new javafx.scene.control.Tab("Config", config);
        configTab.setId("tab-config");
        javafx.scene.control.Tab tracesTab = new javafx.scene.control.Tab("Traces", traceBox);
        javafx.scene.control.TabPane tabs = new javafx.scene.control.TabPane(logTab, configTab, tracesTab);
        tabs.setTabClosingPolicy(javafx.scene.control.TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getStyleClass().add("inspector-tabs");
        tracesTab.setOnSelectionChanged(e -> {
            if (tracesTab.isSelected()) {
                vm.refreshTraces();
            }
        });
        configTab.setOnSelectionChanged(e -> {
            if (configTab.isSelected()) {
                vm.refreshConfig();
            }
        });
        VBox.setVgrow(tabs, Priority.ALWAYS);
        getChildren().addAll(title, subtitle, grid, spark, responses, faults, pods, tabs);
    }

    private static void addMetric(GridPane grid, int col, int row, String name, Label value) {
        Label n = new Label(name);
        n.getStyleClass().add("metric-name");
        VBox cell = new VBox(0, value, n);
        cell.getStyleClass().add("metric");
        grid.add(cell, col, row);
    }

    private void wire() {
        title.textProperty().bind(vm.titleProperty());
        subtitle.textProperty().bind(vm.subtitleProperty());
        vm.statsProperty().addListener((o, a, s) -> showStats(s));
        vm.selectedPodsProperty().addListener((o, a, p) -> showPods(p));
        vm.logProperty().addListener((o, a, records) -> {
            RequestRecord picked = log.getSelectionModel().getSelectedItem();
            log.getItems().setAll(records);
            if (picked != null && records.contains(picked)) {
                log.getSelectionModel().select(picked);
            } else if (!records.isEmpty()) {
                log.scrollTo(records.size() - 1);
            }
            // nothing picked: the latest request's trace, so an edge always shows a decision of its own
            if (log.getSelectionModel().isEmpty()) {
                RequestRecord latest = records.isEmpty() ? null : records.get(records.size() - 1);
                if (latest != shownLatest) {
                    shownLatest = latest;
                    request.setText(latest == null ? "" : "LATEST REQUEST (pick one above to hold it)\n" + RequestDetail.of(latest));
                }
            }
        });
        log.getSelectionModel().selectedItemProperty().addListener((o, a, r) -> {
            if (r != null) {
                request.setText(RequestDetail.of(r));
            }
        });
        faults.textProperty().bind(vm.faultsProperty().map(f -> f.isEmpty() ? "" : "faults in force\n" + f.lines()
                .map(l -> "  " + l).collect(Collectors.joining("\n"))));
        showStats(vm.statsProperty().get());
        vm.historyProperty().addListener((o, a, h) -> spark.show(h));
        vm.configProperty().addListener((o, a, c) -> config.setText(c));
        traces.setItems(vm.traces());
        traces.getSelectionModel().selectedItemProperty().addListener((o, a, t) -> vm.showTrace(t));
        vm.waterfallProperty().addListener((o, a, w) -> waterfall.show(w));
    }

    private void showStats(TrafficStats s) {
        boolean any = s.requests() > 0;
        rps.setText(any ? String.format(Locale.ROOT, "%.1f", s.rps()) : "–");
        success.setText(TrafficStats.percent(s.successRate()));
        // a style class list that changes, even back to what it was, costs a CSS pass: touch it only on a change of health
        if (!success.getStyleClass().contains(s.health().styleClass())) {
            success.getStyleClass().removeAll("healthy", "degraded", "failing", "idle");
            success.getStyleClass().add(s.health().styleClass());
        }
        requests.setText(any ? Long.toString(s.requests()) : "–");
        p50.setText(any ? ms(s.p50Ms()) : "–");
        p95.setText(any ? ms(s.p95Ms()) : "–");
        p99.setText(any ? ms(s.p99Ms()) : "–");
        String codes = s.responses().entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining("  "));
        String flags = s.responseFlags().entrySet().stream().map(Map.Entry::getKey).collect(Collectors.joining(","));
        responses.setText(codes.isEmpty() ? "" : "responses  " + codes + (flags.isEmpty() ? "" : "\nflags      " + flags));
        String explained = s.responseFlags().isEmpty() ? null : dev.loopmesh.app.graph.ResponseFlags.explain(s.responseFlags());
        javafx.scene.control.Tooltip tip = responses.getTooltip();
        if (explained == null) {
            responses.setTooltip(null);
        } else if (tip == null) {
            responses.setTooltip(new javafx.scene.control.Tooltip(explained));
        } else {
            tip.setText(explained);
        }
    }

    private static String ms(double v) {
        return v < 10 ? String.format(Locale.ROOT, "%.1f ms", v) : String.format(Locale.ROOT, "%.0f ms", v);
    }

    private void showPods(List<PodInfo> list) {
        pods.setText(list.isEmpty() ? "" : "pods\n" + list.stream().map(p -> "  " + p.name() + "  " + p.address())
                .collect(Collectors.joining("\n")));
    }

    private static final class RecordCell extends ListCell<RequestRecord> {
        private final javafx.scene.control.Tooltip tip = new javafx.scene.control.Tooltip();

        @Override
        protected void updateItem(RequestRecord r, boolean empty) {
            super.updateItem(r, empty);
            pseudoClassStateChanged(FAILED, !empty && r != null && !r.isSuccess());
            if (empty || r == null) {
                setText(null);
                setTooltip(null);
                return;
            }
            String dir = "source".equals(r.reporter()) ? "out" : "in ";
            // a TCP connection has no status, method or path: its line says tcp and the bytes each way
            String what = r.isTcp() ? "tcp" + ("-".equals(r.responseFlags()) ? "" : " " + r.responseFlags()) + " "
                    + r.requestBytes() + "B in, " + r.responseBytes() + "B out"
                    : r.status() + ("-".equals(r.responseFlags()) ? "" : " " + r.responseFlags()) + " " + r.method() + " " + r.path();
            setText(TIME.format(Instant.ofEpochMilli(r.startEpochMillis())) + " " + dir + " " + what + " "
                    + String.format(Locale.ROOT, "%.0fms", r.durationMicros() / 1000.0) + " → " + r.upstreamHost());
            // formatted only when shown: cells update ten times a second
            tip.setOnShowing(e -> tip.setText(dev.loopmesh.telemetry.AccessLog.envoyFormat(r)));
            setTooltip(tip);
        }
    }
}
