package dev.loopmesh.app.timeline;

import dev.loopmesh.app.graph.GraphLayout;
import dev.loopmesh.app.graph.TrafficStats;
import dev.loopmesh.controlplane.ConfigEvent;
import dev.loopmesh.telemetry.EdgeSnapshot;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The bottom strip: what happened (config pushes and rejections, faults as spans, load changes) and the
 * ingress's rps, success % and p99, one sample a second over the last {@value #SECONDS} seconds, on
 * which the events are marked. FX thread only.
 */
public final class TimelineViewModel {
    static final int SECONDS = 300;
    static final int MAX_EVENTS = 500;

    /** The ingress over the 10 s window ending at {@code time}. */
    public record Sample(Instant time, double rps, double successPercent, double p99Ms) {
    }

    private final ObservableList<TimelineEvent> events = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<List<Sample>> samples = new ReadOnlyObjectWrapper<>(this, "samples", List.of());
    private final ReadOnlyObjectWrapper<TimelineEvent> selected = new ReadOnlyObjectWrapper<>(this, "selected");
    private final List<Sample> ring = new ArrayList<>();
    private long lastConfigSequence;
    private long lastMeshSequence;
    private long lastSecond = -1;
    private int counter;

    public ObservableList<TimelineEvent> events() {
        return FXCollections.unmodifiableObservableList(events);
    }

    public ReadOnlyObjectProperty<List<Sample>> samplesProperty() {
        return samples.getReadOnlyProperty();
    }

    /** The event the user clicked (a marker or a list line). */
    public ReadOnlyObjectProperty<TimelineEvent> selectedProperty() {
        return selected.getReadOnlyProperty();
    }

    public void select(TimelineEvent e) {
        selected.set(e);
    }

    public void reset() {
        events.clear();
        ring.clear();
        samples.set(List.of());
        selected.set(null);
        lastConfigSequence = 0;
        lastMeshSequence = 0;
        lastSecond = -1;
    }

    /** Takes a frame: config events not seen yet become markers; one chart sample per second. */
    public void update(long nanoTime, List<ConfigEvent> all, List<EdgeSnapshot> edges) {
        update(Instant.now(), all, edges);
    }

    void update(Instant now, List<ConfigEvent> all, List<EdgeSnapshot> edges) {
        for (ConfigEvent e : all) {
            if (e.sequence() > lastConfigSequence) {
                lastConfigSequence = e.sequence();
                add(config(e));
            }
        }
        long second = now.getEpochSecond();
        if (second == lastSecond) {
            return;
        }
        lastSecond = second;
        TrafficStats in = TrafficStats.sum(edges.stream().filter(e -> GraphLayout.INGRESS.equals(e.source())).toList());
        ring.add(new Sample(now, in.rps(), Double.isNaN(in.successRate()) ? 100.0 : in.successRate() * 100, in.p99Ms()));
        if (ring.size() > SECONDS) {
            ring.remove(0);
        }
        samples.set(List.copyOf(ring));
    }

    static TimelineEvent config(ConfigEvent e) {
        boolean bad = e.type() == ConfigEvent.Type.REJECTED || e.type() == ConfigEvent.Type.NACKED;
        String title = e.type().name().toLowerCase(java.util.Locale.ROOT) + " " + e.resource();
        String detail = "version " + e.version() + (e.proxies().isEmpty() ? "" : " · pushed to " + e.proxies().size() + " proxies: "
                + String.join(", ", e.proxies())) + (e.detail().isEmpty() ? "" : "\n" + e.detail());
        return new TimelineEvent("config-" + e.sequence(), bad ? TimelineEvent.Kind.REJECTED : TimelineEvent.Kind.CONFIG, title, detail,
                e.time(), null);
    }

    /** Outlier ejections and returns, and chaos experiments, from the mesh's event log, each once. */
    public void meshEvents(List<dev.loopmesh.telemetry.MeshEvent> all) {
        meshEvents(all, id -> false);
    }

    /**
     * The same, leaving out the chaos experiments {@code ownSpan} says the app started itself (their
     * spans come from the faults view model): those from the topology's {@code Chaos} documents or from
     * {@code loopmesh chaos} against this mesh show as spans of their own.
     */
    public void meshEvents(List<dev.loopmesh.telemetry.MeshEvent> all, java.util.function.Predicate<String> ownSpan) {
        for (dev.loopmesh.telemetry.MeshEvent e : all) {
            if (e.sequence() <= lastMeshSequence) {
                continue;
            }
            lastMeshSequence = e.sequence();
            if ("chaos".equals(e.kind())) {
                if (ownSpan.test(e.subject())) {
                    continue;
                }
                switch (e.type()) {
                    case "STARTED" -> startSpan("chaos:" + e.subject(), "chaos " + e.detail(), "chaos experiment " + e.subject(), e.time());
                    case "ENDED" -> endSpan("chaos:" + e.subject(), e.time());
                    default -> add(new TimelineEvent("mesh-" + e.sequence(), TimelineEvent.Kind.REJECTED, "chaos failed: " + e.detail(),
                            "chaos experiment " + e.subject(), e.time(), null));
                }
                continue;
            }
            add(new TimelineEvent("mesh-" + e.sequence(), "EJECTED".equals(e.type()) ? TimelineEvent.Kind.EJECTION : TimelineEvent.Kind.INFO,
                    e.kind() + " " + e.type().toLowerCase(java.util.Locale.ROOT) + " " + e.subject(), e.detail(), e.time(), null));
        }
    }

    /** A fault began: a span that lasts until {@link #endSpan}. */
    public void startSpan(String id, String title, String detail, Instant at) {
        add(new TimelineEvent(id, TimelineEvent.Kind.FAULT, title, detail, at, null));
    }

    public void endSpan(String id, Instant at) {
        for (int i = events.size() - 1; i >= 0; i--) {
            TimelineEvent e = events.get(i);
            if (e.id().equals(id) && e.end() == null) {
                events.set(i, e.ended(at));
                return;
            }
        }
    }

    /** A point event the app knows of (a load change, a rejected text, a failed fault). */
    public void mark(TimelineEvent.Kind kind, String title, String detail) {
        add(new TimelineEvent("app-" + ++counter, kind, title, detail, Instant.now(), null));
    }

    private void add(TimelineEvent e) {
        events.add(e);
        if (events.size() > MAX_EVENTS) {
            events.remove(0);
        }
    }
}
