package dev.loopmesh.app.inspector;

import dev.loopmesh.app.common.MeshHandle;
import dev.loopmesh.app.graph.GraphLayout;
import dev.loopmesh.app.graph.GraphViewModel;
import dev.loopmesh.app.graph.Selection;
import dev.loopmesh.app.graph.TrafficStats;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.telemetry.RequestRecord;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** The right pane: what is selected, its numbers, its pods and their last requests. */
public final class InspectorViewModel {
    static final int LOG_LINES = 20;

    private final GraphViewModel graph;
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "Nothing selected");
    private final ReadOnlyStringWrapper subtitle = new ReadOnlyStringWrapper(this, "subtitle",
            "Click a service, a version or an edge in the graph.");
    private final ReadOnlyObjectWrapper<List<PodInfo>> selectedPods = new ReadOnlyObjectWrapper<>(this, "selectedPods", List.of());
    private final ReadOnlyObjectWrapper<List<RequestRecord>> log = new ReadOnlyObjectWrapper<>(this, "log", List.of());
    private List<PodInfo> pods = List.of();

    public InspectorViewModel(GraphViewModel graph) {
        this.graph = graph;
        graph.selectionProperty().addListener((o, before, now) -> describe(now));
    }

    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty subtitleProperty() {
        return subtitle.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<TrafficStats> statsProperty() {
        return graph.selectedStatsProperty();
    }

    public ReadOnlyObjectProperty<List<PodInfo>> selectedPodsProperty() {
        return selectedPods.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<List<RequestRecord>> logProperty() {
        return log.getReadOnlyProperty();
    }

    public void setPods(List<PodInfo> all) {
        pods = List.copyOf(all);
        describe(graph.selection());
    }

    /** The latest requests for the selection, as the poller read them. */
    public void updateLog(List<RequestRecord> records) {
        if (!records.equals(log.get())) {
            log.set(records);
        }
    }

    /** What the poller should read for the current selection, off the FX thread. */
    public Function<MeshHandle, List<RequestRecord>> logQuery() {
        Selection s = graph.selection();
        List<String> proxies = proxiesOf(s);
        String onlyTo = s instanceof Selection.Edge e ? e.destination() : null;
        return handle -> {
            List<RequestRecord> all = new ArrayList<>();
            for (String p : proxies) {
                for (RequestRecord r : handle.accessLog(p, onlyTo == null ? LOG_LINES : LOG_LINES * 5)) {
                    if (onlyTo == null || ("source".equals(r.reporter()) && onlyTo.equals(r.destinationWorkload()))) {
                        all.add(r);
                    }
                }
            }
            all.sort(Comparator.comparingLong(RequestRecord::startEpochMillis));
            return List.copyOf(all.subList(Math.max(0, all.size() - LOG_LINES), all.size()));
        };
    }

    List<String> proxiesOf(Selection s) {
        if (s instanceof Selection.Service svc) {
            if (GraphLayout.INGRESS.equals(svc.name())) {
                return List.of(GraphLayout.INGRESS);
            }
            return podsWhere(p -> p.service().equals(svc.name()));
        }
        if (s instanceof Selection.Workload w) {
            return podsWhere(p -> p.workload().equals(w.name()));
        }
        if (s instanceof Selection.Edge e) {
            return GraphLayout.INGRESS.equals(e.source()) ? List.of(GraphLayout.INGRESS) : podsWhere(p -> p.workload().equals(e.source()));
        }
        return List.of();
    }

    private List<String> podsWhere(java.util.function.Predicate<PodInfo> p) {
        return pods.stream().filter(p).map(PodInfo::name).toList();
    }

    private void describe(Selection s) {
        Set<String> names = Set.copyOf(proxiesOf(s));
        selectedPods.set(pods.stream().filter(p -> names.contains(p.name())).toList());
        log.set(List.of());
        if (s instanceof Selection.Service svc && GraphLayout.INGRESS.equals(svc.name())) {
            title.set("ingress gateway");
            subtitle.set("Traffic from outside the mesh, by route");
        } else if (s instanceof Selection.Service svc) {
            title.set(svc.name());
            subtitle.set("Service · " + graph.workloadsOf(svc.name()).size() + " version(s) · requests into it");
        } else if (s instanceof Selection.Workload w) {
            title.set(w.name());
            subtitle.set("Workload · requests into it");
        } else if (s instanceof Selection.Edge e) {
            title.set(shortName(e.source()) + " → " + e.destination());
            subtitle.set("Edge · as the caller's proxy saw it");
        } else {
            title.set("Nothing selected");
            subtitle.set("Click a service, a version or an edge in the graph.");
        }
    }

    private static String shortName(String workload) {
        return GraphLayout.INGRESS.equals(workload) ? "ingress" : workload;
    }
}
