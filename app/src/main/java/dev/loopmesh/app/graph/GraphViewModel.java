package dev.loopmesh.app.graph;

import dev.loopmesh.app.faults.ActiveFault;
import dev.loopmesh.app.faults.FaultKind;
import dev.loopmesh.app.faults.FaultTarget;
import dev.loopmesh.telemetry.EdgeSnapshot;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.ServiceSpec;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private double viewAspect = GraphLayout.DEFAULT_ASPECT;
    private final ReadOnlyObjectWrapper<GraphLayout> layout = new ReadOnlyObjectWrapper<>(this, "layout",
            new GraphLayout(List.of(), List.of(), 0, 0));
    private final ReadOnlyObjectWrapper<List<EdgeSnapshot>> edges = new ReadOnlyObjectWrapper<>(this, "edges", List.of());
    private final ReadOnlyObjectWrapper<Selection> selection = new ReadOnlyObjectWrapper<>(this, "selection", Selection.NONE);
    private final ReadOnlyObjectWrapper<TrafficStats> selectedStats = new ReadOnlyObjectWrapper<>(this, "selectedStats",
            TrafficStats.NONE);

    /**
     * What is drawn on top of the traffic: badges per service (policies and faults), per edge (caller
     * workload → service) and the pods down per workload.
     */
    public record Decorations(Map<String, List<Badge>> nodes, Map<String, List<Badge>> edges, Map<String, PodState> workloads) {
        public static final Decorations NONE = new Decorations(Map.of(), Map.of(), Map.of());

        public Decorations {
            nodes = Map.copyOf(nodes);
            edges = Map.copyOf(edges);
            workloads = Map.copyOf(workloads);
        }

        public List<Badge> node(String id) {
            return nodes.getOrDefault(id, List.of());
        }

        /** Badges of an edge by its caller workload and the callee's service. */
        public List<Badge> edge(String sourceWorkload, String service) {
            return edges.getOrDefault(sourceWorkload + "→" + service, List.of());
        }
    }

    /** Pods of a workload that are killed or paused, of how many. */
    public record PodState(int killed, int paused, int pods) {
        public boolean allDown() {
            return killed + paused >= pods && pods > 0;
        }

        public String describe() {
            List<String> parts = new ArrayList<>();
            if (killed > 0) {
                parts.add(killed + "/" + pods + " killed");
            }
            if (paused > 0) {
                parts.add(paused + "/" + pods + " paused");
            }
            return String.join(", ", parts);
        }
    }

    private final ReadOnlyObjectWrapper<Decorations> decorations = new ReadOnlyObjectWrapper<>(this, "decorations", Decorations.NONE);
    private final ReadOnlyObjectWrapper<Set<String>> matches = new ReadOnlyObjectWrapper<>(this, "matches", Set.of());
    private List<MeshResource> resources = List.of();
    private List<ActiveFault> faults = List.of();

    public ReadOnlyObjectProperty<Decorations> decorationsProperty() {
        return decorations.getReadOnlyProperty();
    }

    public Decorations decorations() {
        return decorations.get();
    }

    /** Nodes whose name matches the search, highlighted on the graph. */
    public ReadOnlyObjectProperty<Set<String>> matchesProperty() {
        return matches.getReadOnlyProperty();
    }

    /** Marks the services (and the ingress) whose name contains {@code text}; empty text clears the marks. */
    public Set<String> search(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT);
        Set<String> found = t.isEmpty() ? Set.of() : layout.get().nodes().stream()
                .filter(n -> n.id().toLowerCase(java.util.Locale.ROOT).contains(t) || n.label().toLowerCase(java.util.Locale.ROOT).contains(t))
                .map(GraphLayout.Node::id).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        matches.set(Set.copyOf(found));
        return found;
    }

    /** The mesh's resources changed: recompute the policy badges. */
    public void showPolicies(List<MeshResource> latest) {
        if (!latest.equals(resources)) {
            resources = List.copyOf(latest);
            decorate();
        }
    }

    /** The faults in force changed: recompute the fault badges and the pods down. */
    public void showFaults(List<ActiveFault> latest) {
        faults = List.copyOf(latest);
        decorate();
    }

    private void decorate() {
        Map<String, List<Badge>> nodes = new LinkedHashMap<>();
        PolicyBadges.of(mesh.get(), resources).forEach((k, v) -> nodes.put(k, new ArrayList<>(v)));
        Map<String, List<Badge>> edgeBadges = new LinkedHashMap<>();
        Map<String, int[]> down = new LinkedHashMap<>();
        for (ActiveFault f : faults) {
            FaultTarget t = f.request().target();
            FaultKind k = f.request().kind();
            Badge.Kind kind = k == FaultKind.KILL_POD ? Badge.Kind.POD_KILLED : k == FaultKind.PAUSE_POD ? Badge.Kind.POD_PAUSED
                    : k.isPolicy() ? Badge.Kind.FAULT : Badge.Kind.CHAOS;
            Badge b = new Badge(kind, f.id(), f.describe());
            if (t instanceof FaultTarget.Service s) {
                nodes.computeIfAbsent(s.service(), x -> new ArrayList<>()).add(b);
            } else if (t instanceof FaultTarget.Edge e) {
                edgeBadges.computeIfAbsent(e.sourceWorkload() + "→" + e.service(), x -> new ArrayList<>()).add(b);
            } else if (t instanceof FaultTarget.Pod p) {
                nodes.computeIfAbsent(p.service(), x -> new ArrayList<>()).add(b);
                int[] c = down.computeIfAbsent(p.workload(), x -> new int[2]);
                c[k == FaultKind.KILL_POD ? 0 : 1]++;
            }
        }
        Map<String, PodState> workloads = new LinkedHashMap<>();
        down.forEach((w, c) -> workloads.put(w, new PodState(c[0], c[1], podCount(w))));
        decorations.set(new Decorations(nodes, edgeBadges, workloads));
    }

    private int podCount(String workload) {
        MeshSpec spec = mesh.get();
        if (spec == null) {
            return 1;
        }
        return spec.services().stream().flatMap(s -> s.workloads().stream()).filter(w -> w.name().equals(workload))
                .mapToInt(w -> w.replicas()).findFirst().orElse(1);
    }

    /** The service a workload belongs to ({@code reviews} for {@code reviews-v2}), or the name itself. */
    public String serviceOfWorkload(String workload) {
        return layout.get().nodeOfWorkload(workload).map(GraphLayout.Node::id).orElse(workload);
    }

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

    /**
     * The graph pane's shape (width / height): a tall layer wraps to fit it. The layout changes only when
     * the boxes would move, so resizing the window a little keeps every position. FX thread.
     */
    public void setViewAspect(double aspect) {
        if (!(aspect > 0) || !Double.isFinite(aspect)) {
            return;
        }
        // in steps of about 10 %, so dragging the window's edge does not re-layout on every pixel
        double stepped = Math.exp(Math.round(Math.log(aspect) / 0.1) * 0.1);
        if (stepped == viewAspect) {
            return;
        }
        viewAspect = stepped;
        MeshSpec spec = mesh.get();
        if (spec != null) {
            GraphLayout next = GraphLayout.of(spec, viewAspect);
            if (!next.nodes().equals(layout.get().nodes())) {
                layout.set(next);
            }
        }
    }

    /** A new mesh (or none): a new layout, no traffic, no selection. */
    public void showMesh(MeshSpec spec) {
        statsCache.clear();
        mesh.set(spec);
        layout.set(spec == null ? new GraphLayout(List.of(), List.of(), 0, 0) : GraphLayout.of(spec, viewAspect));
        edges.set(List.of());
        resources = List.of();
        faults = List.of();
        decorations.set(Decorations.NONE);
        matches.set(Set.of());
        select(Selection.NONE);
    }

    /** The latest edge statistics; a no-op when they did not change, so views redraw only on change. */
    public void updateEdges(List<EdgeSnapshot> latest) {
        if (!latest.equals(edges.get())) {
            edges.set(List.copyOf(latest));
            selectedStats.set(statsOf(selection.get()));
        }
    }

    public MeshSpec meshSpec() {
        return mesh.get();
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
        index(all);
        if (s instanceof Selection.Workload w) {
            return byDestination.getOrDefault(w.name(), List.of());
        }
        if (s instanceof Selection.Service svc) {
            if (GraphLayout.INGRESS.equals(svc.name())) {
                return all.stream().filter(x -> x.source().equals(GraphLayout.INGRESS)).toList();
            }
            java.util.Set<EdgeSnapshot> into = new java.util.LinkedHashSet<>();
            for (String w : workloadsOf(svc.name())) {
                into.addAll(byDestination.getOrDefault(w, List.of()));
            }
            into.addAll(byDestination.getOrDefault(svc.name(), List.of()));
            into.addAll(byDestinationService.getOrDefault(svc.name(), List.of()));
            return List.copyOf(into);
        }
        return List.of();
    }

    /** Edges by destination workload and by the short name of their destination service, for the edges now. */
    private Map<String, List<EdgeSnapshot>> byDestination = Map.of();
    private Map<String, List<EdgeSnapshot>> byDestinationService = Map.of();
    private List<EdgeSnapshot> indexed;

    private void index(List<EdgeSnapshot> all) {
        if (all == indexed) {
            return;
        }
        indexed = all;
        Map<String, List<EdgeSnapshot>> dest = new java.util.HashMap<>();
        Map<String, List<EdgeSnapshot>> service = new java.util.HashMap<>();
        for (EdgeSnapshot e : all) {
            dest.computeIfAbsent(e.destination(), k -> new ArrayList<>()).add(e);
            int dot = e.destinationService().indexOf('.');
            if (dot > 0) {
                service.computeIfAbsent(e.destinationService().substring(0, dot), k -> new ArrayList<>()).add(e);
            }
        }
        byDestination = dest;
        byDestinationService = service;
    }

    /** Stats per selection for the edges now: a repaint asks for every node and row, the inspector again. */
    private final Map<Selection, TrafficStats> statsCache = new java.util.HashMap<>();
    private List<EdgeSnapshot> statsFor = List.of();

    public TrafficStats statsOf(Selection s) {
        if (statsFor != edges.get()) {
            statsCache.clear();
            statsFor = edges.get();
        }
        TrafficStats cached = statsCache.get(s);
        if (cached == null) {
            cached = computeStats(s);
            statsCache.put(s, cached);
        }
        return cached;
    }

    private TrafficStats computeStats(Selection s) {
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
        if (workloadsFor != spec) {
            Map<String, Set<String>> by = new java.util.HashMap<>();
            for (ServiceSpec svc : spec.services()) {
                by.merge(svc.name(), svc.workloads().stream().map(w -> w.name()).collect(Collectors.toUnmodifiableSet()), (a, b) -> {
                    Set<String> both = new java.util.HashSet<>(a);
                    both.addAll(b);
                    return Set.copyOf(both);
                });
            }
            workloadsByService = by;
            workloadsFor = spec;
        }
        return workloadsByService.getOrDefault(service, Set.of());
    }

    private MeshSpec workloadsFor;
    private Map<String, Set<String>> workloadsByService = Map.of();

    public Optional<ServiceSpec> service(String name) {
        MeshSpec spec = mesh.get();
        return spec == null ? Optional.empty() : spec.services().stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
