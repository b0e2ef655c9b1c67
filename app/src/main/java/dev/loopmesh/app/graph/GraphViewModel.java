package dev.loopmesh.app.graph;

import dev.loopmesh.telemetry.EdgeSnapshot;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.ServiceSpec;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The traffic graph's state: the layout of the mesh, the latest edge statistics, the selection and
 * its numbers. Changed only through its command methods, on the FX thread once a view is attached.
 */
public final class GraphViewModel {
    private static final double EDGE_PICK_DISTANCE = 7;

    private final ReadOnlyObjectWrapper<MeshSpec> mesh = new ReadOnlyObjectWrapper<>(this, "mesh");
    private final ReadOnlyObjectWrapper<GraphLayout> layout = new ReadOnlyObjectWrapper<>(this, "layout",
            new GraphLayout(List.of(), List.of(), 0, 0));
    private final ReadOnlyObjectWrapper<List<EdgeSnapshot>> edges = new ReadOnlyObjectWrapper<>(this, "edges", List.of());
    private final ReadOnlyObjectWrapper<Selection> selection = new ReadOnlyObjectWrapper<>(this, "selection", Selection.NONE);
    private final ReadOnlyObjectWrapper<TrafficStats> selectedStats = new ReadOnlyObjectWrapper<>(this, "selectedStats",
            TrafficStats.NONE);

    public ReadOnlyObjectProperty<GraphLayout> layoutProperty() {
        return layout.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<List<EdgeSnapshot>> edgesProperty() {
        return edges.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Selection> selectionProperty() {
        return selection.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<TrafficStats> selectedStatsProperty() {
        return selectedStats.getReadOnlyProperty();
    }

    public GraphLayout layout() {
        return layout.get();
    }

    public List<EdgeSnapshot> edges() {
        return edges.get();
    }

    public Selection selection() {
        return selection.get();
    }

    /** A new mesh (or none): a new layout, no traffic, no selection. */
    public void showMesh(MeshSpec spec) {
        mesh.set(spec);
        layout.set(spec == null ? new GraphLayout(List.of(), List.of(), 0, 0) : GraphLayout.of(spec));
        edges.set(List.of());
        select(Selection.NONE);
    }

    /** The latest edge statistics; a no-op when they did not change, so views redraw only on change. */
    public void updateEdges(List<EdgeSnapshot> latest) {
        if (!latest.equals(edges.get())) {
            edges.set(List.copyOf(latest));
            selectedStats.set(statsOf(selection.get()));
        }
    }

    public void select(Selection s) {
        selection.set(s == null ? Selection.NONE : s);
        selectedStats.set(statsOf(selection.get()));
    }

    /** Selects what is under a point of the layout: a version row, a service box, an edge, or nothing. */
    public void selectAt(double x, double y) {
        select(hit(x, y));
    }

    Selection hit(double x, double y) {
        for (GraphLayout.Node n : layout.get().nodes()) {
            if (n.contains(x, y)) {
                if (!n.isIngress()) {
                    for (GraphLayout.Row r : n.rows()) {
                        if (r.contains(x, y)) {
                            return new Selection.Workload(r.workload());
                        }
                    }
                }
                return new Selection.Service(n.id());
            }
        }
        EdgeSnapshot best = null;
        double bestDistance = EDGE_PICK_DISTANCE;
        for (EdgeSnapshot e : edges.get()) {
            Optional<EdgeGeometry> g = EdgeGeometry.between(layout.get(), e.source(), e.destination());
            if (g.isPresent()) {
                double d = g.get().distanceTo(x, y);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = e;
                }
            }
        }
        return best == null ? Selection.NONE : new Selection.Edge(best.source(), best.destination());
    }

    /** The edges a selection is about: into a service or workload, out of the ingress, or the edge itself. */
    public List<EdgeSnapshot> edgesOf(Selection s) {
        List<EdgeSnapshot> all = edges.get();
        if (s instanceof Selection.Edge e) {
            return all.stream().filter(x -> x.source().equals(e.source()) && x.destination().equals(e.destination())).toList();
        }
        if (s instanceof Selection.Workload w) {
            return all.stream().filter(x -> x.destination().equals(w.name())).toList();
        }
        if (s instanceof Selection.Service svc) {
            if (GraphLayout.INGRESS.equals(svc.name())) {
                return all.stream().filter(x -> x.source().equals(GraphLayout.INGRESS)).toList();
            }
            Set<String> workloads = workloadsOf(svc.name());
            String fqdnPrefix = svc.name() + ".";
            return all.stream().filter(x -> workloads.contains(x.destination()) || x.destination().equals(svc.name())
                    || x.destinationService().startsWith(fqdnPrefix)).toList();
        }
        return List.of();
    }

    public TrafficStats statsOf(Selection s) {
        List<EdgeSnapshot> of = edgesOf(s);
        if (s instanceof Selection.Edge && of.size() == 1) {
            return TrafficStats.of(of.get(0));
        }
        return of.isEmpty() ? TrafficStats.NONE : TrafficStats.sum(of);
    }

    /** A node's health: that of the traffic into it (Kiali colours a node by its inbound errors). */
    public EdgeHealth healthOf(String nodeId) {
        return statsOf(new Selection.Service(nodeId)).health();
    }

    /** Pod-level detail belongs to the workloads of a selection; the views list their pods' access logs. */
    public Set<String> workloadsOf(String service) {
        MeshSpec spec = mesh.get();
        if (spec == null) {
            return Set.of();
        }
        return spec.services().stream().filter(s -> s.name().equals(service)).flatMap(s -> s.workloads().stream())
                .map(w -> w.name()).collect(Collectors.toUnmodifiableSet());
    }

    public Optional<ServiceSpec> service(String name) {
        MeshSpec spec = mesh.get();
        return spec == null ? Optional.empty() : spec.services().stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
