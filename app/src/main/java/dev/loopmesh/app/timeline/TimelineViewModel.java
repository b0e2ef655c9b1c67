package dev.loopmesh.app.timeline;

import dev.loopmesh.app.graph.GraphLayout;
import dev.loopmesh.app.graph.TrafficStats;
import dev.loopmesh.controlplane.ConfigEvent;
import dev.loopmesh.telemetry.EdgeSnapshot;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.chart.XYChart;

import java.util.List;

/** The bottom strip: config events as they happen, and the ingress's rps and success over the last minute. */
public final class TimelineViewModel {
    static final int POINTS = 60;

    private final ObservableList<ConfigEvent> events = FXCollections.observableArrayList();
    private final ObservableList<XYChart.Data<Number, Number>> rps = FXCollections.observableArrayList();
    private final ObservableList<XYChart.Data<Number, Number>> success = FXCollections.observableArrayList();
    private long startNanos = -1;
    private long lastSecond = -1;

    public ObservableList<ConfigEvent> events() {
        return FXCollections.unmodifiableObservableList(events);
    }

    public ObservableList<XYChart.Data<Number, Number>> rpsPoints() {
        return rps;
    }

    public ObservableList<XYChart.Data<Number, Number>> successPoints() {
        return success;
    }

    public void reset() {
        events.clear();
        rps.clear();
        success.clear();
        startNanos = -1;
        lastSecond = -1;
    }

    /** Takes a frame: appends events not seen yet, and one chart point per second of mesh time. */
    public void update(long nanoTime, List<ConfigEvent> all, List<EdgeSnapshot> edges) {
        long lastSeq = events.isEmpty() ? 0 : events.get(events.size() - 1).sequence();
        List<ConfigEvent> fresh = all.stream().filter(e -> e.sequence() > lastSeq).toList();
        if (!fresh.isEmpty()) {
            events.addAll(fresh);
        }
        if (startNanos < 0) {
            startNanos = nanoTime;
        }
        long second = (nanoTime - startNanos) / 1_000_000_000L;
        if (second == lastSecond) {
            return;
        }
        lastSecond = second;
        TrafficStats in = TrafficStats.sum(edges.stream().filter(e -> GraphLayout.INGRESS.equals(e.source())).toList());
        rps.add(new XYChart.Data<>(second, in.rps()));
        success.add(new XYChart.Data<>(second, Double.isNaN(in.successRate()) ? 100.0 : in.successRate() * 100));
        if (rps.size() > POINTS) {
            rps.remove(0);
            success.remove(0);
        }
    }
}
