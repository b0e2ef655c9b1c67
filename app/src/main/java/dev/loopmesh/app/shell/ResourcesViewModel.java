package dev.loopmesh.app.shell;

import dev.loopmesh.Mesh;
import dev.loopmesh.app.common.EngineCalls;
import dev.loopmesh.controlplane.ConfigEvent;
import dev.loopmesh.controlplane.Translator;
import dev.loopmesh.controlplane.istio.IstioTranslator;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Severity;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The mesh resources in the left pane, each with its validation state: in force and clean, in force
 * with findings (the control plane's validation and the istioctl-analyze-style cross checks), or
 * rejected (the last change to it was refused: the previous version, if any, stays in force). Checked
 * on the engine thread whenever the control plane's resources or events change. FX thread only.
 */
public final class ResourcesViewModel {
    public enum State { OK, WARNING, REJECTED }

    /**
     * @param key    the control plane's key, to open the resource in the editor; null for one that is not in force
     * @param label  {@code VirtualService default/reviews}
     * @param detail the findings or the reason it was rejected, one per line
     */
    public record Row(String key, String label, State state, String detail) {
    }

    private final EngineCalls calls;
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private List<MeshResource> lastResources;
    private int lastEvents = -1;
    private long generation;

    public ResourcesViewModel(EngineCalls calls) {
        this.calls = calls;
    }

    public ObservableList<Row> rows() {
        return FXCollections.unmodifiableObservableList(rows);
    }

    public void clear() {
        generation++;
        lastResources = null;
        lastEvents = -1;
        rows.clear();
    }

    /** Takes a frame's resources and config events; checks again only when they changed. */
    public void update(Mesh mesh, List<MeshResource> resources, List<ConfigEvent> events) {
        if (mesh == null || resources.equals(lastResources) && events.size() == lastEvents) {
            return;
        }
        lastResources = resources;
        lastEvents = events.size();
        long gen = ++generation;
        List<ConfigEvent> seen = List.copyOf(events);
        calls.call(() -> rows(mesh.controlPlane().translator(), mesh, resources, seen), r -> {
            if (gen == generation) {
                rows.setAll(r);
            }
        }, why -> { });
    }

    static List<Row> rows(Translator translator, Mesh mesh, List<MeshResource> resources, List<ConfigEvent> events) {
        Set<Problem> problems = new LinkedHashSet<>();
        for (MeshResource r : resources) {
            problems.addAll(translator.validate(r, mesh.registry()));
        }
        if (translator instanceof IstioTranslator istio) {
            problems.addAll(istio.analyze(mesh.registry(), resources));
        }
        Map<MeshResource, List<Problem>> byResource = new LinkedHashMap<>();
        for (Problem p : problems) {
            MeshResource owner = owner(resources, p);
            if (owner != null) {
                byResource.computeIfAbsent(owner, k -> new ArrayList<>()).add(p);
            }
        }
        // the last word on each resource: a rejection after its last accepted change means the change was refused
        Map<String, ConfigEvent> last = new LinkedHashMap<>();
        for (ConfigEvent e : events) {
            last.put(e.resource(), e);
        }
        List<Row> out = new ArrayList<>();
        Set<String> live = new LinkedHashSet<>();
        for (MeshResource r : resources) {
            String label = r.kind() + " " + r.namespace() + "/" + r.name();
            live.add(label);
            ConfigEvent e = last.get(label);
            // in force despite an analyzer error (two VirtualServices for a host): amber, as the editor said when applying it
            List<Problem> found = byResource.getOrDefault(r, List.of()).stream().map(dev.loopmesh.app.editor.PolicyService::asAdmitted).toList();
            if (e != null && refused(e)) {
                out.add(new Row(r.key(), label, State.REJECTED, "the last change was " + e.type().name().toLowerCase(java.util.Locale.ROOT)
                        + "; the version before it stays in force" + (e.detail().isEmpty() ? "" : "\n" + e.detail())));
            } else if (!found.isEmpty()) {
                boolean error = found.stream().anyMatch(p -> p.severity() == Severity.ERROR);
                out.add(new Row(r.key(), label, error ? State.REJECTED : State.WARNING,
                        found.stream().map(ResourcesViewModel::describe).collect(Collectors.joining("\n"))));
            } else {
                out.add(new Row(r.key(), label, State.OK, e == null ? "in force" : "in force (version " + e.version() + ")"));
            }
        }
        last.forEach((label, e) -> {
            if (!live.contains(label) && refused(e)) {
                out.add(new Row(null, label, State.REJECTED, "rejected, not in force" + (e.detail().isEmpty() ? "" : "\n" + e.detail())));
            }
        });
        out.sort(Comparator.comparing(Row::label));
        return out;
    }

    private static boolean refused(ConfigEvent e) {
        return e.type() == ConfigEvent.Type.REJECTED || e.type() == ConfigEvent.Type.NACKED;
    }

    /** The resource a finding points into: the one in the same file starting last at or before its line. */
    private static MeshResource owner(List<MeshResource> resources, Problem p) {
        MeshResource best = null;
        for (MeshResource r : resources) {
            if (r.position().file().equals(p.position().file()) && r.position().line() <= p.position().line()
                    && (best == null || r.position().line() > best.position().line())) {
                best = r;
            }
        }
        return best;
    }

    static String describe(Problem p) {
        return p.severity().name().toLowerCase(java.util.Locale.ROOT) + " " + p.code() + ": " + p.message()
                + (p.path().isEmpty() ? "" : " (at " + p.path() + ")");
    }
}
