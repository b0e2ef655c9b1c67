package dev.loopmesh.app.inspector;

import dev.loopmesh.app.common.EngineCalls;
import dev.loopmesh.app.common.MeshHandle;
import dev.loopmesh.app.graph.Badge;
import dev.loopmesh.app.graph.PolicyBadges;
import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.telemetry.tracing.SpanRecord;
import dev.loopmesh.telemetry.tracing.TraceSummary;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
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

    static final int HISTORY = 90;

    /** One second of the selection's numbers, for its live charts. */
    public record Point(long second, double rps, double successPercent, double p99Ms) {
    }

    private final GraphViewModel graph;
    private final EngineCalls calls;
    private final ReadOnlyStringWrapper config = new ReadOnlyStringWrapper(this, "config", "");
    private final ObservableList<TraceSummary> traces = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<List<SpanRecord>> waterfall = new ReadOnlyObjectWrapper<>(this, "waterfall", List.of());
    private final ReadOnlyObjectWrapper<List<Point>> history = new ReadOnlyObjectWrapper<>(this, "history", List.of());
    private final List<Point> points = new ArrayList<>();
    private MeshHandle handle;
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "Nothing selected");
    private final ReadOnlyStringWrapper subtitle = new ReadOnlyStringWrapper(this, "subtitle",
            "Click a service, a version or an edge in the graph.");
    private final ReadOnlyObjectWrapper<List<PodInfo>> selectedPods = new ReadOnlyObjectWrapper<>(this, "selectedPods", List.of());
    private final ReadOnlyObjectWrapper<List<RequestRecord>> log = new ReadOnlyObjectWrapper<>(this, "log", List.of());
    private final ReadOnlyStringWrapper faults = new ReadOnlyStringWrapper(this, "faults", "");
    private List<PodInfo> pods = List.of();

    public InspectorViewModel(GraphViewModel graph, EngineCalls calls) {
        this.graph = graph;
        this.calls = calls;
        graph.selectionProperty().addListener((o, before, now) -> {
            describe(now);
            faults.set(faultsOf(now, graph.decorations()));
            points.clear();
            history.set(List.of());
            refreshConfig();
        });
        graph.selectedStatsProperty().addListener((o, a, s) -> sample(s));
        graph.decorationsProperty().addListener((o, a, d) -> {
            faults.set(faultsOf(graph.selection(), d));
            refreshConfig();
        });
    }

    public void attach(MeshHandle h) {
        handle = h;
        refreshConfig();
        refreshTraces();
    }

    public void detach() {
        handle = null;
        traces.clear();
        waterfall.set(List.of());
        config.set("");
    }

    /** The selection's effective config: a workload's proxy snapshot, or the policies on a service or an edge. */
    public ReadOnlyStringProperty configProperty() {
        return config.getReadOnlyProperty();
    }

    public ObservableList<TraceSummary> traces() {
        return traces;
    }

    /** The spans of the trace picked in the list, in start order. */
    public ReadOnlyObjectProperty<List<SpanRecord>> waterfallProperty() {
        return waterfall.getReadOnlyProperty();
    }

    /** The selection's numbers, one point a second, for its charts. */
    public ReadOnlyObjectProperty<List<Point>> historyProperty() {
        return history.getReadOnlyProperty();
    }

    private void sample(TrafficStats s) {
        long second = System.currentTimeMillis() / 1000;
        if (!points.isEmpty() && points.get(points.size() - 1).second() == second) {
            return;
        }
        points.add(new Point(second, s.rps(), Double.isNaN(s.successRate()) ? 100 : s.successRate() * 100, s.p99Ms()));
        if (points.size() > HISTORY) {
            points.remove(0);
        }
        history.set(List.copyOf(points));
    }

    public void refreshTraces() {
        MeshHandle h = handle;
        if (h == null) {
            return;
        }
        calls.call(() -> h.mesh().telemetry().tracer().store().list(50), traces::setAll, why -> { });
    }

    public void showTrace(TraceSummary t) {
        MeshHandle h = handle;
        if (h == null || t == null) {
            waterfall.set(List.of());
            return;
        }
        calls.call(() -> h.mesh().telemetry().tracer().store().trace(t.traceId()).orElse(List.of()), waterfall::set, why -> { });
    }

    /** The policies on an edge's service that act on it: from the gateway, its own routes instead of the sidecars'. */
    private List<Badge> policiesAt(Selection s, List<Badge> onService) {
        if (!(s instanceof Selection.Edge e && GraphLayout.INGRESS.equals(e.source()))) {
            return onService;
        }
        List<Badge> here = new java.util.ArrayList<>(graph.decorations().node(GraphLayout.INGRESS));
        onService.stream().filter(b -> !b.declared()).forEach(here::add);
        return here;
    }

    public void refreshConfig() {
        MeshHandle h = handle;
        if (h == null) {
            return;
        }
        Selection s = graph.selection();
        List<String> proxies = proxiesOf(s);
        String service = s instanceof Selection.Service svc ? svc.name() : s instanceof Selection.Workload w ? graph.serviceOfWorkload(w.name())
                : s instanceof Selection.Edge e ? graph.serviceOfWorkload(e.destination()) : null;
        List<Badge> policies = service == null ? List.of() : policiesAt(s, graph.decorations().node(service));
        List<Badge> edgeBadges = s instanceof Selection.Edge e ? graph.decorations().edge(e.source(), service) : List.of();
        String proxy = s instanceof Selection.Edge e ? (GraphLayout.INGRESS.equals(e.source()) ? GraphLayout.INGRESS : proxies.isEmpty() ? null : proxies.get(0))
                : proxies.isEmpty() ? null : proxies.get(0);
        calls.call(() -> {
            StringBuilder out = new StringBuilder();
            if (service != null) {
                out.append("POLICIES ON ").append(service).append('\n');
                if (policies.isEmpty() && edgeBadges.isEmpty()) {
                    out.append("  none: Istio defaults (round robin, 2 retries on connect failure, no timeout)\n");
                }
                for (Badge b : edgeBadges) {
                    out.append("  [").append(b.kind().text()).append("] ").append(b.detail()).append("  (this edge only)\n");
                }
                for (Badge b : policies) {
                    out.append("  [").append(b.kind().text()).append("] ").append(b.source()).append(b.detail().isEmpty() ? "" : ": " + b.detail()).append('\n');
                }
                out.append('\n');
            }
            if (proxy != null) {
                ProxySnapshot snap = h.mesh().controlPlane().snapshot(proxy);
                if (snap != null) {
                    out.append(describe(snap, service));
                }
            }
            return out.toString();
        }, config::set, why -> config.set("cannot read the config: " + why));
    }

    /** A proxy snapshot for people: version, resources, route table, the clusters of one service (or all). */
    static String describe(ProxySnapshot snap, String service) {
        StringBuilder out = new StringBuilder();
        out.append("PROXY ").append(snap.proxy()).append("  snapshot v").append(snap.version()).append('\n');
        out.append("resources: ").append(snap.resources().isEmpty() ? "none" : String.join(", ", snap.resources())).append("\n\n");
        out.append("ROUTES\n").append(snap.routes()).append("\n\n");
        out.append("CLUSTERS").append(service == null ? "" : " for " + service).append('\n');
        snap.clusters().values().stream().filter(c -> service == null || c.service().startsWith(service + "."))
                .sorted(Comparator.comparing(ClusterConfig::name)).forEach(c -> {
                    out.append(c.name()).append('\n');
                    out.append("  lb ").append(c.lb()).append('\n');
                    out.append("  pool ").append(c.connectionPool()).append('\n');
                    out.append("  outlier ").append(c.outlier() == null ? "off" : c.outlier()).append('\n');
                    out.append("  tls ").append(c.tlsMode().isEmpty() ? "auto (mTLS when the peer has a sidecar)" : c.tlsMode())
                            .append(c.destinationRule().isEmpty() ? "" : "  from " + c.destinationRule()).append('\n');
                    c.endpoints().forEach(e -> out.append("  endpoint ").append(e.pod()).append(" ").append(e.address()).append(':').append(e.port()).append('\n'));
                });
        return out.toString();
    }

    /** The faults in force on the selection (on a service, its pods, or the calls into it), one per line; empty when none. */
    public ReadOnlyStringProperty faultsProperty() {
        return faults.getReadOnlyProperty();
    }

    String faultsOf(Selection s, GraphViewModel.Decorations d) {
        List<Badge> found = new ArrayList<>();
        String service = s instanceof Selection.Service svc ? svc.name() : s instanceof Selection.Workload w ? graph.serviceOfWorkload(w.name())
                : s instanceof Selection.Edge e ? graph.serviceOfWorkload(e.destination()) : null;
        if (service == null) {
            return "";
        }
        if (s instanceof Selection.Edge e) {
            found.addAll(d.edge(e.source(), service));
            found.addAll(d.node(service));
        } else if (s instanceof Selection.Service svc && GraphLayout.INGRESS.equals(svc.name())) {
            d.edges().forEach((k, v) -> {
                if (k.startsWith(GraphLayout.INGRESS + "→")) {
                    found.addAll(v);
                }
            });
        } else {
            found.addAll(d.node(service));
            d.edges().forEach((k, v) -> {
                if (k.endsWith("→" + service)) {
                    found.addAll(v);
                }
            });
        }
        // faults injected from the app, and else those a VirtualService declares (the app's own are also in a VirtualService)
        List<Badge> injected = found.stream().filter(b -> b.kind().isFault() && !b.declared()).toList();
        List<Badge> shown = injected.isEmpty() ? found.stream().filter(b -> b.kind().isFault()).toList() : injected;
        return shown.stream().map(b -> b.declared() ? b.source() + ": " + b.detail() : b.detail()).distinct()
                .collect(java.util.stream.Collectors.joining("\n"));
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
