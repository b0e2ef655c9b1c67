package dev.loopmesh.app.traffic;

import dev.loopmesh.telemetry.RequestRecord;
import dev.loopmesh.workload.CallTree;
import dev.loopmesh.workload.CallTreeJson;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.Locale;

/** The answer to "send one request": status, its call tree as a tree, and each proxy's decision trace for it. */
public final class ProbeView extends VBox {
    private final Label status = new Label("No request sent yet");
    private final TreeView<String> tree = new TreeView<>();
    private final TextArea trace = new TextArea();

    public ProbeView() {
        getStyleClass().add("probe-view");
        setSpacing(6);
        status.setId("probe-status");
        status.setWrapText(true);
        tree.setId("probe-tree");
        tree.getStyleClass().add("call-tree");
        tree.setPrefHeight(170);
        tree.setMinHeight(90);
        trace.setId("probe-body");
        trace.setEditable(false);
        trace.getStyleClass().add("mono");
        trace.setWrapText(false);
        VBox.setVgrow(trace, Priority.ALWAYS);
        Label t1 = new Label("CALL TREE");
        t1.getStyleClass().add("pane-heading");
        Label t2 = new Label("DECISION TRACE (every proxy, this x-request-id)");
        t2.getStyleClass().add("pane-heading");
        getChildren().addAll(status, t1, tree, t2, trace);
    }

    /** @param error non-empty when no response came */
    public void show(String path, int code, long millis, String body, String error, String requestId, List<RequestRecord> records) {
        status.getStyleClass().removeAll("healthy", "failing");
        status.getStyleClass().add(code > 0 && code < 500 ? "healthy" : "failing");
        status.setText(code == 0 ? "GET " + path + " → no response (" + millis + " ms)"
                : "GET " + path + " → " + code + " in " + millis + " ms" + (requestId.isEmpty() ? "" : "   x-request-id " + requestId));
        tree.setRoot(null);
        if (error.isEmpty()) {
            try {
                CallTree t = CallTreeJson.parse(body);
                TreeItem<String> root = item(t);
                tree.setRoot(root);
            } catch (RuntimeException notATree) {
                tree.setRoot(new TreeItem<>(body.length() > 200 ? body.substring(0, 200) + "…" : body));
            }
        }
        StringBuilder out = new StringBuilder(error.isEmpty() ? "" : error + "\n\n");
        if (records.isEmpty()) {
            out.append("(no access-log record carries this request id yet)");
        }
        for (RequestRecord r : records) {
            out.append(r.proxy()).append("  ").append("source".equals(r.reporter()) ? "outbound" : "inbound").append("  ")
                    .append(r.status()).append(' ').append(r.responseFlags()).append("  ").append(r.method()).append(' ').append(r.path())
                    .append("  → ").append(r.destinationWorkload()).append(" @ ").append(r.upstreamHost())
                    .append(String.format(Locale.ROOT, "  %.1f ms", r.durationMicros() / 1000.0))
                    .append(r.attempts() > 1 ? "  attempts=" + r.attempts() : "").append('\n');
            for (String line : r.trace()) {
                out.append("    ").append(line).append('\n');
            }
        }
        trace.setText(out.toString());
    }

    private static TreeItem<String> item(CallTree t) {
        String text = t.service() + " " + t.version() + "  " + t.status()
                + (t.responseFlags().isEmpty() || "-".equals(t.responseFlags()) ? "" : " " + t.responseFlags())
                + String.format(Locale.ROOT, "  %.1f ms", t.durationMs()) + "  (" + t.pod() + ")"
                + (t.error().isEmpty() ? "" : "  " + t.error());
        TreeItem<String> item = new TreeItem<>(text);
        item.setExpanded(true);
        for (CallTree c : t.calls()) {
            item.getChildren().add(item(c));
        }
        return item;
    }
}
