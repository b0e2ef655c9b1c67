package dev.loopmesh.controlplane;

import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TopologyException;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Saving a topology file re-applies what changed, as {@code kubectl apply} would: new and changed
 * resources are applied, removed ones deleted. A file that no longer loads is reported and nothing
 * changes (the mesh keeps its last good config). Services and workloads cannot change under a running
 * mesh; a change to them is reported as needing a restart.
 */
public final class TopologyWatcher implements AutoCloseable {
    /**
     * What the watcher did with one save, for the console and the timeline.
     *
     * @param loadFailed the files did not load (nothing was applied)
     * @param rejected   the files loaded but the control plane rejected a resource
     */
    public record Outcome(List<String> lines, boolean loadFailed, boolean rejected) {
    }

    private final Supplier<Topology> reload;
    private final ControlPlane controlPlane;
    private final Consumer<Outcome> report;
    private final WatchService watch;
    private final Set<Path> files = new HashSet<>();
    private final Thread thread;
    private volatile MeshSpec mesh;
    private volatile Map<String, MeshResource> applied;

    /**
     * @param reload loads the topology again from the same files (throws TopologyException when they are bad)
     */
    public TopologyWatcher(Topology started, Supplier<Topology> reload, ControlPlane controlPlane, Consumer<Outcome> report)
            throws IOException {
        this.reload = reload;
        this.controlPlane = controlPlane;
        this.report = report;
        this.mesh = started.mesh();
        this.applied = byKey(started.resources());
        this.watch = FileSystems.getDefault().newWatchService();
        Set<Path> dirs = new HashSet<>();
        for (String f : started.files()) {
            Path p = Path.of(f).toAbsolutePath().normalize();
            files.add(p);
            if (p.getParent() != null) {
                dirs.add(p.getParent());
            }
        }
        for (Path d : dirs) {
            d.register(watch, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
        }
        this.thread = new Thread(this::run, "loopmesh-watch");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = watch.take();
                boolean relevant = false;
                Path dir = (Path) key.watchable();
                for (var e : key.pollEvents()) {
                    if (e.context() instanceof Path && files.contains(dir.resolve((Path) e.context()).normalize())) {
                        relevant = true;
                    }
                }
                key.reset();
                if (relevant) {
                    // editors write a file in several steps: let them finish
                    WatchKey more;
                    while ((more = watch.poll(200, TimeUnit.MILLISECONDS)) != null) {
                        more.pollEvents();
                        more.reset();
                    }
                    report.accept(reapply());
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException stop) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reloads the files and applies the difference; public so that tests and the app can trigger it. */
    public synchronized Outcome reapply() {
        Topology next;
        try {
            next = reload.get();
        } catch (TopologyException e) {
            List<String> lines = new ArrayList<>();
            lines.add("the saved topology does not load; the mesh keeps its last good config:");
            e.problems().forEach(p -> lines.add("  " + p));
            return new Outcome(lines, true, false);
        }
        List<String> lines = new ArrayList<>();
        if (!next.mesh().services().equals(mesh.services()) || !next.mesh().ingress().equals(mesh.ingress())) {
            lines.add("services, workloads or the ingress changed: restart the mesh to run them (resources are re-applied now)");
        }
        Map<String, MeshResource> nextByKey = byKey(next.resources());
        List<MeshResource> changed = new ArrayList<>();
        for (MeshResource r : next.resources()) {
            MeshResource before = applied.get(r.key());
            if (before == null || !sameContent(before, r)) {
                changed.add(r);
            }
        }
        List<MeshResource> removed = new ArrayList<>();
        for (MeshResource r : applied.values()) {
            if (!nextByKey.containsKey(r.key())) {
                removed.add(r);
            }
        }
        boolean rejected = false;
        Map<String, MeshResource> nowApplied = new LinkedHashMap<>(applied);
        if (!changed.isEmpty()) {
            ApplyResult a = controlPlane.apply(changed);
            for (ApplyResult.Outcome o : a.outcomes()) {
                lines.add(o.resource() + " " + o.action() + (o.accepted() ? "" : ": " + o.problems().stream()
                        .filter(p -> p.severity() == dev.loopmesh.topology.Severity.ERROR).map(Problem::toString).findFirst().orElse("")));
                rejected |= !o.accepted();
            }
            for (MeshResource r : changed) {
                if (a.outcomes().stream().anyMatch(o -> o.accepted() && o.resource().equals(r.kind() + " " + r.namespace() + "/" + r.name()))) {
                    nowApplied.put(r.key(), r);
                }
            }
        }
        if (!removed.isEmpty()) {
            ApplyResult d = controlPlane.delete(removed);
            d.outcomes().forEach(o -> lines.add(o.resource() + " " + o.action()));
            removed.forEach(r -> nowApplied.remove(r.key()));
        }
        if (lines.isEmpty()) {
            lines.add("saved; nothing changed");
        }
        applied = nowApplied;
        mesh = next.mesh();
        return new Outcome(lines, false, rejected);
    }

    private static boolean sameContent(MeshResource a, MeshResource b) {
        return a.spec().plain().equals(b.spec().plain()) && a.labels().equals(b.labels()) && a.annotations().equals(b.annotations());
    }

    private static Map<String, MeshResource> byKey(List<MeshResource> resources) {
        Map<String, MeshResource> m = new LinkedHashMap<>();
        resources.forEach(r -> m.put(r.key(), r));
        return m;
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (IOException ignored) {
            // closing a watch service cannot fail in a way that matters here
        }
        thread.interrupt();
    }
}
