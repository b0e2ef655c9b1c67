package dev.loopmesh.app.shell;

import dev.loopmesh.app.common.EngineCalls;
import dev.loopmesh.app.common.MeshFrame;
import dev.loopmesh.app.editor.EditorViewModel;
import dev.loopmesh.app.editor.PolicyService;
import dev.loopmesh.app.faults.FaultsViewModel;
import dev.loopmesh.app.faults.ChaosFaultInjector;
import dev.loopmesh.app.faults.MeshFaultInjector;
import dev.loopmesh.app.history.HistoryViewModel;
import dev.loopmesh.app.timeline.TimelineEvent;
import dev.loopmesh.app.traffic.LoadViewModel;
import dev.loopmesh.app.common.MeshHandle;
import dev.loopmesh.app.common.MeshPoller;
import dev.loopmesh.app.common.MeshSource;
import dev.loopmesh.app.graph.GraphLayout;
import dev.loopmesh.app.graph.GraphViewModel;
import dev.loopmesh.app.graph.Selection;
import dev.loopmesh.app.inspector.InspectorViewModel;
import dev.loopmesh.app.timeline.TimelineViewModel;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.topology.MeshSpec;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * The window's state: which mesh runs, its life cycle, and the view models of the panes. Engine calls
 * (start, stop, requests) run on a background thread; results come back through {@code fx}, the FX
 * thread's executor, so nothing here waits on the engine on the FX thread.
 */
public final class MainViewModel implements AutoCloseable {
    static final long POLL_MILLIS = 100;
    /** The access log and the load clients are refreshed on one poll in this many. */
    static final int TEXT_PANE_EVERY = 5;

    private final MeshSource source;
    /** The topology files of the next start (empty: the built-in Bookinfo). */
    private volatile List<Path> files;
    private final Executor fx;
    private final ExecutorService engine = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "loopmesh-ui-engine");
        t.setDaemon(true);
        return t;
    });
    private final MeshPoller poller;

    private final EngineCalls calls;
    private final Probes probes;
    private final GraphViewModel graph = new GraphViewModel();
    private final InspectorViewModel inspector;
    private final TimelineViewModel timeline = new TimelineViewModel();
    private final EditorViewModel editor;
    private final FaultsViewModel faults;
    private final LoadViewModel load;
    private final HistoryViewModel history;
    private final ResourcesViewModel resources;

    private final ReadOnlyObjectWrapper<MeshState> state = new ReadOnlyObjectWrapper<>(this, "state", MeshState.STOPPED);
    private final ReadOnlyStringWrapper meshName = new ReadOnlyStringWrapper(this, "meshName", "loopmesh");
    private final ReadOnlyStringWrapper ingress = new ReadOnlyStringWrapper(this, "ingress", "");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    /** The status line while the mesh runs, before what {@link JitWarmUp} adds. */
    private String running = "";
    private final JitWarmUp jit = JitWarmUp.ofThisJvm();
    private final ReadOnlyObjectWrapper<MeshSpec> spec = new ReadOnlyObjectWrapper<>(this, "spec");
    private final ReadOnlyObjectWrapper<List<PodInfo>> pods = new ReadOnlyObjectWrapper<>(this, "pods", List.of());
    private final ReadOnlyObjectWrapper<ProbeResult> probe = new ReadOnlyObjectWrapper<>(this, "probe");
    private final ReadOnlyDoubleWrapper timeScale = new ReadOnlyDoubleWrapper(this, "timeScale", 1.0);
    private final ReadOnlyStringWrapper topologyName = new ReadOnlyStringWrapper(this, "topologyName", "");
    /** Start again once the running mesh has stopped (a new topology, a new time scale). */
    private boolean restartWhenStopped;
    /** A restart was asked for while the mesh was starting: stop it as soon as it runs. */
    private boolean pendingStopAfterStart;
    private volatile MeshHandle handle;
    private ChaosFaultInjector chaosFaults;
    private long polls;

    public MainViewModel(MeshSource source, List<Path> files, Executor fx) {
        this.source = source;
        this.files = List.copyOf(files);
        topologyName.set(describe(this.files));
        this.fx = fx;
        this.poller = new MeshPoller(fx, this::apply);
        this.calls = new EngineCalls(engine, fx);
        this.probes = new Probes(engine, fx);
        this.inspector = new InspectorViewModel(graph, calls);
        this.editor = new EditorViewModel(calls);
        this.faults = new FaultsViewModel(calls);
        this.load = new LoadViewModel(calls, timeline);
        this.history = new HistoryViewModel(calls, timeline);
        this.resources = new ResourcesViewModel(calls);
        editor.onChange(history::record);
        faults.onChange(history::record);
        graph.selectionProperty().addListener((o, a, b) -> poller.setLogQuery(inspector.logQuery()));
        editor.onResult(r -> {
            if (r.local()) {
                timeline.mark(TimelineEvent.Kind.REJECTED, "rejected in the editor", r.summary());
            }
        });
        faults.onEvent(e -> {
            switch (e.type()) {
                case STARTED -> timeline.startSpan(e.fault().id(), e.description(), "fault " + e.fault().id(), e.time());
                case ENDED -> timeline.endSpan(e.fault().id(), e.time());
                case FAILED -> timeline.mark(TimelineEvent.Kind.REJECTED, "fault failed: " + e.description(), e.detail());
            }
            graph.showFaults(List.copyOf(faults.active()));
        });
    }

    public EditorViewModel editor() {
        return editor;
    }

    public FaultsViewModel faults() {
        return faults;
    }

    public LoadViewModel load() {
        return load;
    }

    public HistoryViewModel history() {
        return history;
    }

    public ResourcesViewModel resources() {
        return resources;
    }

    public EngineCalls calls() {
        return calls;
    }

    public GraphViewModel graph() {
        return graph;
    }

    public InspectorViewModel inspector() {
        return inspector;
    }

    public TimelineViewModel timeline() {
        return timeline;
    }

    public ReadOnlyObjectProperty<MeshState> stateProperty() {
        return state.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty meshNameProperty() {
        return meshName.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty ingressProperty() {
        return ingress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<MeshSpec> specProperty() {
        return spec.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<List<PodInfo>> podsProperty() {
        return pods.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ProbeResult> probeProperty() {
        return probe.getReadOnlyProperty();
    }

    public MeshState state() {
        return state.get();
    }

    /**
     * Runs the mesh of other topology files (empty: the built-in Bookinfo): the one running now stops
     * first. FX thread.
     */
    public void open(List<Path> topology) {
        files = List.copyOf(topology);
        topologyName.set(describe(files));
        restartOrStart();
    }

    /**
     * How fast configured durations run: every latency, timeout, fault delay and chaos schedule takes
     * {@code factor} times as long (0.1: ten times faster). A running mesh restarts with it. FX thread.
     */
    public void setTimeScale(double factor) {
        if (!(factor > 0) || factor == timeScale.get()) {
            return;
        }
        timeScale.set(factor);
        if (state.get() == MeshState.RUNNING || state.get() == MeshState.STARTING) {
            restartOrStart();
        }
    }

    public ReadOnlyDoubleProperty timeScaleProperty() {
        return timeScale.getReadOnlyProperty();
    }

    /** Where the running topology comes from: its file names, or "built-in Bookinfo". */
    public ReadOnlyStringProperty topologyNameProperty() {
        return topologyName.getReadOnlyProperty();
    }

    private void restartOrStart() {
        if (state.get().canStop()) {
            restartWhenStopped = true;
            stop();
        } else if (state.get() == MeshState.STARTING || state.get() == MeshState.STOPPING) {
            restartWhenStopped = true;
            if (state.get() == MeshState.STARTING) {
                pendingStopAfterStart = true;
            }
        } else {
            start();
        }
    }

    static String describe(List<Path> files) {
        return files.isEmpty() ? "built-in Bookinfo" : files.stream().map(p -> String.valueOf(p.getFileName())).collect(java.util.stream.Collectors.joining(", "));
    }

    /** Starts the mesh in the background; the state says when it runs or why it failed. */
    public void start() {
        if (!state.get().canStart()) {
            return;
        }
        state.set(MeshState.STARTING);
        message.set("Starting the mesh…");
        List<Path> start = files;
        double scale = timeScale.get();
        engine.execute(() -> {
            try {
                MeshHandle h = source.start(start, scale);
                handle = h;
                fx.execute(() -> started(h));
            } catch (RuntimeException e) {
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                fx.execute(() -> {
                    pendingStopAfterStart = false;
                    state.set(MeshState.FAILED);
                    message.set("Could not start: " + why);
                    if (restartWhenStopped) {
                        restartWhenStopped = false;
                        start();
                    }
                });
            }
        });
    }

    /** {@code 10×} for a time scale of 0.1, {@code 0.5×} for 2. */
    public static String speed(double timeScale) {
        double v = 1 / timeScale;
        return (v == Math.rint(v) ? Long.toString((long) v) : new java.math.BigDecimal(v).round(new java.math.MathContext(2))
                .stripTrailingZeros().toPlainString()) + "×";
    }

    private void started(MeshHandle h) {
        MeshSpec s = h.spec();
        spec.set(s);
        meshName.set(s.name());
        pods.set(h.pods());
        InetSocketAddress a = h.ingressAddress();
        ingress.set(a == null ? "" : "http://" + a.getHostString() + ":" + a.getPort());
        graph.showMesh(s);
        graph.select(new Selection.Service(GraphLayout.INGRESS));
        inspector.setPods(h.pods());
        timeline.reset();
        history.clear();
        resources.clear();
        PolicyService policies = new PolicyService(h.mesh());
        editor.attach(policies);
        MeshFaultInjector policyFaults = new MeshFaultInjector(policies);
        chaosFaults = h.mesh().chaos() != null ? new ChaosFaultInjector(h.mesh().chaos(), policyFaults) : null;
        faults.attach(chaosFaults != null ? chaosFaults : policyFaults);
        graph.showFaults(List.of());
        inspector.attach(h);
        load.attach(h);
        poller.setLogQuery(inspector.logQuery());
        poller.start(h, POLL_MILLIS);
        state.set(MeshState.RUNNING);
        running = "Running " + h.pods().size() + " pods" + (timeScale.get() == 1.0 ? "" : " at " + speed(timeScale.get()) + " speed");
        message.set(running);
        if (pendingStopAfterStart) {
            pendingStopAfterStart = false;
            stop();
        }
    }

    /** Stops the mesh in the background. */
    public void stop() {
        if (!state.get().canStop()) {
            return;
        }
        state.set(MeshState.STOPPING);
        message.set("Stopping…");
        poller.stop();
        editor.detach();
        faults.detach();
        history.clear();
        inspector.detach();
        load.detach();
        MeshHandle h = handle;
        handle = null;
        engine.execute(() -> {
            if (h != null) {
                h.close();
            }
            fx.execute(() -> {
                state.set(MeshState.STOPPED);
                ingress.set("");
                if (restartWhenStopped) {
                    restartWhenStopped = false;
                    start();
                    return;
                }
                message.set("Stopped");
            });
        });
    }

    /** Sends one GET through the ingress, off the FX thread; the answer lands in {@link #probeProperty()}. */
    public void sendOneRequest(String path) {
        sendOneRequest(path, "");
    }

    /**
     * Sends one GET through the ingress with the given headers ({@code end-user: jason}, one per line);
     * the answer, then its decision trace, land in {@link #probeProperty()}.
     */
    public void sendOneRequest(String path, String headerLines) {
        MeshHandle h = handle;
        if (h == null || state.get() != MeshState.RUNNING) {
            return;
        }
        probes.send(h, path, headerLines, probe::set);
    }

    private void apply(MeshFrame frame) {
        if (state.get() != MeshState.RUNNING) {
            return;
        }
        graph.showPolicies(frame.resources());
        MeshHandle h = handle;
        resources.update(h == null ? null : h.mesh(), frame.resources(), frame.events());
        graph.updateEdges(frame.edges());
        // the text panes change on every poll (new requests, a moving rate) and each change costs a CSS and
        // layout pass: they follow at a fifth of the cadence, on polls of their own, so no frame carries both
        long n = polls++;
        if (n % TEXT_PANE_EVERY == 1) {
            inspector.updateLog(frame.accessLog());
        } else if (n % TEXT_PANE_EVERY == 3) {
            load.update(frame.traffic());
        }
        timeline.update(frame.nanoTime(), frame.events(), frame.edges());
        if (jit != null) {
            jit.update(frame.nanoTime());
            message.set(running + jit.describe());
        }
        ChaosFaultInjector c = chaosFaults;
        timeline.meshEvents(frame.meshEvents(), id -> c != null && c.started(id));
    }

    /** Stops polling and the mesh; blocks until the mesh is closed (call it when the window goes). */
    @Override
    public void close() {
        poller.close();
        editor.close();
        MeshHandle h = handle;
        handle = null;
        engine.shutdownNow();
        if (h != null) {
            h.close();
        }
    }
}
