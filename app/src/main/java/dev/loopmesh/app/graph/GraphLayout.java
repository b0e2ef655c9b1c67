package dev.loopmesh.app.graph;

import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.topology.CallSpec;
import dev.loopmesh.topology.IngressSpec;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.ServiceSpec;
import dev.loopmesh.topology.WorkloadSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the graph's boxes go, in logical units: layered left to right from the ingress, a service's
 * layer being its longest call path from the ingress over the spec's call graph (so a service called
 * both directly and through another sits after the other); a layer too tall for the view's shape wraps
 * into sub-columns. Pure: no JavaFX.
 */
public final class GraphLayout {
    /** The id of the ingress node: the gateway's proxy and workload name in edge statistics. */
    public static final String INGRESS = Registry.GATEWAY;

    static final double NODE_WIDTH = 150;
    static final double HEADER = 30;
    static final double ROW = 38;
    static final double PAD = 8;
    static final double LAYER_GAP = 150;
    static final double NODE_GAP = 56;
    static final double MARGIN = 24;
    /** Between the sub-columns of a wrapped layer: enough for an edge to pass, less than between layers. */
    static final double SUB_COLUMN_GAP = 40;
    /** A typical graph pane: wider than tall. */
    public static final double DEFAULT_ASPECT = 1.6;

    private final List<Node> nodes;
    private final List<Link> links;
    private final double width;
    private final double height;
    /** Look-ups by id and by workload: a repaint of 200 services asks thousands of times. */
    private final Map<String, Node> byId = new java.util.HashMap<>();
    private final Map<String, Node> byWorkload = new java.util.HashMap<>();
    private final Map<String, Row> rowByWorkload = new java.util.HashMap<>();

    public GraphLayout(List<Node> nodes, List<Link> links, double width, double height) {
        this.nodes = List.copyOf(nodes);
        this.links = List.copyOf(links);
        this.width = width;
        this.height = height;
        for (Node n : this.nodes) {
            byId.putIfAbsent(n.id(), n);
            for (Row r : n.rows()) {
                byWorkload.putIfAbsent(r.workload(), n);
                rowByWorkload.putIfAbsent(r.workload(), r);
            }
        }
    }

    public List<Node> nodes() {
        return nodes;
    }

    public List<Link> links() {
        return links;
    }

    public double width() {
        return width;
    }

    public double height() {
        return height;
    }

    /** A box: the ingress, or a service with one row per workload (version). */
    public record Node(String id, String label, int layer, double x, double y, double w, double h, List<Row> rows) {
        public Node {
            rows = List.copyOf(rows);
        }

        public boolean isIngress() {
            return INGRESS.equals(id);
        }

        public boolean contains(double px, double py) {
            return px >= x && px <= x + w && py >= y && py <= y + h;
        }
    }

    /** A workload inside a service box; {@code workload} is the name edge statistics use ({@code reviews-v2}). */
    public record Row(String workload, String version, double x, double y, double w, double h) {
        public boolean contains(double px, double py) {
            return px >= x && px <= x + w && py >= y && py <= y + h;
        }
    }

    /** A call the spec declares, service to service (or ingress to service). */
    public record Link(String from, String to) {
    }

    public Optional<Node> node(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The node holding a workload's row, or the ingress for the gateway. */
    public Optional<Node> nodeOfWorkload(String workload) {
        if (INGRESS.equals(workload)) {
            return node(INGRESS);
        }
        return Optional.ofNullable(byWorkload.get(workload));
    }

    public Optional<Row> row(String workload) {
        return Optional.ofNullable(rowByWorkload.get(workload));
    }

    public int layerOf(String id) {
        return node(id).map(Node::layer).orElse(-1);
    }

    /** The layout for a view about as wide as it is tall times {@value #DEFAULT_ASPECT}. */
    public static GraphLayout of(MeshSpec mesh) {
        return of(mesh, DEFAULT_ASPECT);
    }

    /**
     * The layout that shows largest in a view of the given aspect ratio (width / height): a layer taller
     * than the others would make is wrapped into side-by-side sub-columns, every other one shifted by half
     * a box so that the edges leaving the first pass between the boxes of the second. The same mesh and
     * aspect always give the same positions.
     */
    public static GraphLayout of(MeshSpec mesh, double aspect) {
        Map<String, Set<String>> calls = callGraph(mesh);
        Map<String, Integer> layers = longestPathLayers(mesh, calls);
        int maxLayer = layers.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        List<List<String>> byLayer = new ArrayList<>();
        for (int i = 0; i <= maxLayer; i++) {
            byLayer.add(new ArrayList<>());
        }
        layers.forEach((id, layer) -> byLayer.get(layer).add(id));
        orderByParents(byLayer, calls);

        Map<String, Double> heights = new LinkedHashMap<>();
        heights.put(INGRESS, HEADER + ROW + PAD);
        for (ServiceSpec s : mesh.services()) {
            heights.put(s.name(), HEADER + Math.max(1, s.workloads().size()) * ROW + PAD);
        }
        int perColumn = bestColumnLength(byLayer, heights, aspect);
        double tallest = 0;
        for (List<String> layer : byLayer) {
            tallest = Math.max(tallest, layerHeight(layer, heights, perColumn));
        }
        List<Node> nodes = new ArrayList<>();
        double x = MARGIN;
        for (int l = 0; l < byLayer.size(); l++) {
            List<String> layer = byLayer.get(l);
            int columns = columns(layer.size(), perColumn);
            if (columns == 1) {
                double y = MARGIN + (tallest - columnHeight(layer, heights)) / 2;
                for (String id : layer) {
                    double h = heights.get(id);
                    nodes.add(INGRESS.equals(id) ? ingressNode(x, y, h) : serviceNode(mesh, id, l, x, y, h));
                    y += h + NODE_GAP;
                }
            } else {
                double slot = slot(layer, heights);
                double top = MARGIN + (tallest - layerHeight(layer, heights, perColumn)) / 2;
                for (int i = 0; i < layer.size(); i++) {
                    String id = layer.get(i);
                    int c = i / perColumn;
                    double h = heights.get(id);
                    double nx = x + c * (NODE_WIDTH + SUB_COLUMN_GAP);
                    double ny = top + (i % perColumn) * slot + (c % 2) * slot / 2 + (slot - NODE_GAP - h) / 2;
                    nodes.add(INGRESS.equals(id) ? ingressNode(nx, ny, h) : serviceNode(mesh, id, l, nx, ny, h));
                }
            }
            x += layerWidth(columns) + LAYER_GAP;
        }
        List<Link> links = new ArrayList<>();
        calls.forEach((from, tos) -> tos.forEach(to -> links.add(new Link(from, to))));
        return new GraphLayout(nodes, links, x - LAYER_GAP + MARGIN, 2 * MARGIN + tallest);
    }

    /**
     * The longest sub-column that makes the graph largest when fitted to the aspect: every length from
     * the tallest layer down is tried (a few hundred sums even at 200 services).
     */
    static int bestColumnLength(List<List<String>> byLayer, Map<String, Double> heights, double aspect) {
        int longest = byLayer.stream().mapToInt(List::size).max().orElse(1);
        double a = aspect > 0 && Double.isFinite(aspect) ? aspect : DEFAULT_ASPECT;
        int best = Math.max(1, longest);
        double bestScale = -1;
        for (int m = Math.max(1, longest); m >= 1; m--) {
            double w = 2 * MARGIN - LAYER_GAP;
            double h = 0;
            for (List<String> layer : byLayer) {
                w += layerWidth(columns(layer.size(), m)) + LAYER_GAP;
                h = Math.max(h, layerHeight(layer, heights, m));
            }
            h += 2 * MARGIN;
            double scale = Math.min(a / w, 1 / h);
            // a shorter column only when it shows the graph clearly larger: wrapping has a cost in readability
            if (scale > bestScale * 1.08) {
                bestScale = scale;
                best = m;
            }
        }
        return best;
    }

    private static int columns(int size, int perColumn) {
        return Math.max(1, (size + perColumn - 1) / perColumn);
    }

    private static double layerWidth(int columns) {
        return columns * NODE_WIDTH + (columns - 1) * SUB_COLUMN_GAP;
    }

    /** Every box of a wrapped layer gets the tallest box's room, so the half-box shift lands between boxes. */
    private static double slot(List<String> layer, Map<String, Double> heights) {
        return layer.stream().mapToDouble(heights::get).max().orElse(0) + NODE_GAP;
    }

    private static double layerHeight(List<String> layer, Map<String, Double> heights, int perColumn) {
        if (columns(layer.size(), perColumn) == 1) {
            return columnHeight(layer, heights);
        }
        double slot = slot(layer, heights);
        return Math.min(perColumn, layer.size()) * slot - NODE_GAP + slot / 2;
    }

    private static double columnHeight(List<String> layer, Map<String, Double> heights) {
        return layer.stream().mapToDouble(heights::get).sum() + Math.max(0, layer.size() - 1) * NODE_GAP;
    }

    private static Node ingressNode(double x, double y, double h) {
        return new Node(INGRESS, "ingress", 0, x, y, NODE_WIDTH, h,
                List.of(new Row(INGRESS, "gateway", x + PAD, y + HEADER, NODE_WIDTH - 2 * PAD, ROW - 4)));
    }

    private static Node serviceNode(MeshSpec mesh, String name, int layer, double x, double y, double h) {
        List<Row> rows = new ArrayList<>();
        double ry = y + HEADER;
        for (WorkloadSpec w : service(mesh, name).workloads()) {
            rows.add(new Row(w.name(), w.version(), x + PAD, ry, NODE_WIDTH - 2 * PAD, ROW - 4));
            ry += ROW;
        }
        return new Node(name, name, layer, x, y, NODE_WIDTH, h, rows);
    }

    private static ServiceSpec service(MeshSpec mesh, String name) {
        return mesh.services().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /** Caller to callees, by service name, with the ingress as a caller; only calls to known services. */
    static Map<String, Set<String>> callGraph(MeshSpec mesh) {
        Set<String> known = new LinkedHashSet<>();
        mesh.services().forEach(s -> known.add(s.name()));
        Map<String, Set<String>> calls = new LinkedHashMap<>();
        calls.put(INGRESS, new LinkedHashSet<>());
        for (IngressSpec.Route r : mesh.ingress().routes()) {
            if (known.contains(r.service())) {
                calls.get(INGRESS).add(r.service());
            }
        }
        for (ServiceSpec s : mesh.services()) {
            Set<String> out = calls.computeIfAbsent(s.name(), k -> new LinkedHashSet<>());
            for (WorkloadSpec w : s.workloads()) {
                for (CallSpec c : w.behavior().calls()) {
                    if (known.contains(c.service()) && !c.service().equals(s.name())) {
                        out.add(c.service());
                    }
                }
            }
        }
        return calls;
    }

    /**
     * Longest path from the ingress; services nobody reaches from it start at layer 1 as roots of their
     * own. Relaxation stops after as many rounds as there are nodes, so a call cycle cannot loop forever.
     */
    static Map<String, Integer> longestPathLayers(MeshSpec mesh, Map<String, Set<String>> calls) {
        Map<String, Integer> layer = new LinkedHashMap<>();
        layer.put(INGRESS, 0);
        Set<String> called = new LinkedHashSet<>();
        calls.values().forEach(called::addAll);
        for (ServiceSpec s : mesh.services()) {
            if (!called.contains(s.name())) {
                layer.put(s.name(), 1);
            }
        }
        int n = calls.size();
        for (int round = 0; round < n; round++) {
            boolean changed = false;
            for (Map.Entry<String, Set<String>> e : calls.entrySet()) {
                Integer from = layer.get(e.getKey());
                if (from == null) {
                    continue;
                }
                for (String to : e.getValue()) {
                    int candidate = Math.min(from + 1, n);
                    if (layer.getOrDefault(to, -1) < candidate) {
                        layer.put(to, candidate);
                        changed = true;
                    }
                }
            }
            if (!changed) {
                break;
            }
        }
        // services only reachable through a cycle of unreached services
        for (ServiceSpec s : mesh.services()) {
            layer.putIfAbsent(s.name(), 1);
        }
        return layer;
    }

    /** One barycentre pass: each layer sorted by the mean position of its callers in the layer before. */
    private static void orderByParents(List<List<String>> byLayer, Map<String, Set<String>> calls) {
        for (int l = 1; l < byLayer.size(); l++) {
            List<String> previous = byLayer.get(l - 1);
            List<String> layer = byLayer.get(l);
            Map<String, Double> centre = new LinkedHashMap<>();
            for (int i = 0; i < layer.size(); i++) {
                String id = layer.get(i);
                double sum = 0;
                int count = 0;
                for (int p = 0; p < previous.size(); p++) {
                    if (calls.getOrDefault(previous.get(p), Set.of()).contains(id)) {
                        sum += p;
                        count++;
                    }
                }
                centre.put(id, count == 0 ? previous.size() + i : sum / count);
            }
            layer.sort(Comparator.comparingDouble(centre::get));
        }
    }
}
