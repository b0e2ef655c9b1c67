package dev.loopmesh.app.faults;

import dev.loopmesh.app.graph.GraphLayout;
import dev.loopmesh.app.graph.GraphViewModel;
import dev.loopmesh.app.graph.Selection;
import dev.loopmesh.controlplane.PodInfo;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;

import java.util.List;
import java.util.Optional;

/** The graph's right-click menu: break a service, an edge or a pod, or remove a fault in force there. */
public final class FaultMenu {
    private final FaultsViewModel faults;
    private final GraphViewModel graph;

    public FaultMenu(FaultsViewModel faults, GraphViewModel graph) {
        this.faults = faults;
        this.graph = graph;
    }

    /** The menu for what was right-clicked; empty when nothing can be done there. */
    public ContextMenu menuFor(Selection s, List<PodInfo> pods) {
        ContextMenu menu = new ContextMenu();
        menu.setId("fault-menu");
        if (s instanceof Selection.Service svc && GraphLayout.INGRESS.equals(svc.name())
                || s instanceof Selection.Workload w && GraphLayout.INGRESS.equals(w.name())) {
            menu.getItems().add(header("The gateway's routes break on its edges: right-click the edge to a service"));
            return menu;
        }
        FaultTarget target = targetOf(s).orElse(null);
        if (target != null) {
            menu.getItems().add(header("Inject on " + target.describe()));
            menu.getItems().addAll(delayMenu(target), abortMenu(target));
        }
        String workloadOrService = s instanceof Selection.Workload w ? w.name() : s instanceof Selection.Service sv ? sv.name() : null;
        if (workloadOrService != null && !GraphLayout.INGRESS.equals(workloadOrService)) {
            List<PodInfo> mine = pods.stream().filter(p -> p.workload().equals(workloadOrService) || p.service().equals(workloadOrService)).toList();
            if (!mine.isEmpty()) {
                menu.getItems().add(new SeparatorMenuItem());
                menu.getItems().add(podMenu("Kill pod", FaultKind.KILL_POD, mine));
                menu.getItems().add(podMenu("Pause pod", FaultKind.PAUSE_POD, mine));
            }
        }
        if (s instanceof Selection.Edge e) {
            menu.getItems().add(new SeparatorMenuItem());
            for (FaultKind k : List.of(FaultKind.PARTITION, FaultKind.LATENCY, FaultKind.BANDWIDTH)) {
                MenuItem item = new MenuItem(switch (k) {
                    case PARTITION -> "Partition " + graph.serviceOfWorkload(e.source()) + " | " + graph.serviceOfWorkload(e.destination());
                    case LATENCY -> "Latency toxic 300 ms";
                    default -> "Bandwidth toxic 10 KB/s";
                } + (faults.supports(k) ? "" : "  (needs the chaos engine)"));
                item.setDisable(!faults.supports(k));
                FaultTarget.Edge edge = edgeTarget(e);
                item.setOnAction(x -> faults.inject(new FaultRequest(k, edge, 100, k == FaultKind.LATENCY ? 300 : 0, 0,
                        k == FaultKind.BANDWIDTH ? 10_000 : 0)));
                menu.getItems().add(item);
            }
        }
        List<ActiveFault> here = faults.active().stream().filter(f -> concerns(f, s)).toList();
        if (!here.isEmpty()) {
            menu.getItems().add(new SeparatorMenuItem());
            for (ActiveFault f : here) {
                MenuItem remove = new MenuItem("Remove fault: " + f.describe());
                remove.getStyleClass().add("remove-fault");
                remove.setOnAction(x -> faults.remove(f));
                menu.getItems().add(remove);
            }
        }
        return menu;
    }

    private static MenuItem header(String text) {
        MenuItem h = new MenuItem(text);
        h.setDisable(true);
        h.getStyleClass().add("menu-header");
        return h;
    }

    private Menu delayMenu(FaultTarget target) {
        Menu m = new Menu("Delay");
        m.setId("fault-delay");
        for (long[] d : new long[][] {{1000, 100}, {3000, 100}, {7000, 100}, {2000, 50}}) {
            MenuItem item = new MenuItem(d[0] / 1000 + " s on " + d[1] + " %");
            item.setOnAction(e -> faults.inject(FaultRequest.delay(target, d[0], d[1])));
            m.getItems().add(item);
        }
        return m;
    }

    private Menu abortMenu(FaultTarget target) {
        Menu m = new Menu("Abort");
        m.setId("fault-abort");
        for (int[] a : new int[][] {{503, 50}, {503, 100}, {500, 10}, {503, 5}}) {
            MenuItem item = new MenuItem(a[0] + " on " + a[1] + " %");
            item.setId("fault-abort-" + a[0] + "-" + a[1]);
            item.setOnAction(e -> faults.inject(FaultRequest.abort(target, a[0], a[1])));
            m.getItems().add(item);
        }
        return m;
    }

    private Menu podMenu(String title, FaultKind kind, List<PodInfo> pods) {
        Menu m = new Menu(title);
        for (PodInfo p : pods) {
            MenuItem item = new MenuItem(p.name());
            item.setOnAction(e -> faults.inject(FaultRequest.pod(kind, new FaultTarget.Pod(p.name(), p.workload(), p.service()))));
            m.getItems().add(item);
        }
        return m;
    }

    /** A delay or abort acts on a service (right-click a box or a version row) or on an edge's calls. */
    Optional<FaultTarget> targetOf(Selection s) {
        if (s instanceof Selection.Service svc && !GraphLayout.INGRESS.equals(svc.name())) {
            return Optional.of(new FaultTarget.Service(svc.name()));
        }
        if (s instanceof Selection.Workload w) {
            return Optional.of(new FaultTarget.Service(graph.serviceOfWorkload(w.name())));
        }
        if (s instanceof Selection.Edge e) {
            return Optional.of(edgeTarget(e));
        }
        return Optional.empty();
    }

    private FaultTarget.Edge edgeTarget(Selection.Edge e) {
        String sourceService = graph.serviceOfWorkload(e.source());
        String version = graph.service(sourceService).flatMap(svc -> svc.workloads().stream().filter(w -> w.name().equals(e.source())).findFirst())
                .map(w -> w.version()).orElse("");
        if (GraphLayout.INGRESS.equals(e.source())) {
            sourceService = "istio-ingressgateway";
        }
        return new FaultTarget.Edge(e.source(), sourceService, version, e.destination(), graph.serviceOfWorkload(e.destination()));
    }

    private boolean concerns(ActiveFault f, Selection s) {
        FaultTarget t = f.request().target();
        if (s instanceof Selection.Edge e) {
            return t instanceof FaultTarget.Edge fe && fe.sourceWorkload().equals(e.source())
                    && fe.service().equals(graph.serviceOfWorkload(e.destination()));
        }
        String service = s instanceof Selection.Service svc ? svc.name() : s instanceof Selection.Workload w ? graph.serviceOfWorkload(w.name()) : null;
        if (service == null) {
            return false;
        }
        return t instanceof FaultTarget.Service fs && fs.service().equals(service)
                || t instanceof FaultTarget.Pod p && p.service().equals(service)
                || t instanceof FaultTarget.Edge fe && fe.service().equals(service);
    }
}
