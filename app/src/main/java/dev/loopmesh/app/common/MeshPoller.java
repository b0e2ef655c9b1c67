package dev.loopmesh.app.common;

import dev.loopmesh.controlplane.ConfigEvent;
import dev.loopmesh.telemetry.RequestRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads a running mesh at a fixed cadence on its own thread and hands the latest frame to the UI.
 * Frames coalesce: while the UI has not taken the last one, a newer one replaces it and no second
 * hand-off is queued, so a busy FX thread gets one update per pulse, never a backlog.
 */
public final class MeshPoller implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MeshPoller.class.getName());
    static final int MAX_EVENTS = 500;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loopmesh-ui-poller");
        t.setDaemon(true);
        return t;
    });
    private final Executor uiExecutor;
    private final Consumer<MeshFrame> consumer;
    private final AtomicReference<MeshFrame> pending = new AtomicReference<>();
    private volatile Function<MeshHandle, List<RequestRecord>> logQuery = h -> List.of();
    private MeshHandle handle;
    private ScheduledFuture<?> task;
    private final List<ConfigEvent> events = new ArrayList<>();
    private long lastSequence;
    private List<dev.loopmesh.topology.MeshResource> resources;
    private final List<dev.loopmesh.telemetry.MeshEvent> meshEvents = new ArrayList<>();
    private long lastMeshSequence;

    /**
     * @param uiExecutor runs the hand-off on the UI thread ({@code Platform::runLater})
     * @param consumer   takes each frame on the UI thread
     */
    public MeshPoller(Executor uiExecutor, Consumer<MeshFrame> consumer) {
        this.uiExecutor = uiExecutor;
        this.consumer = consumer;
    }

    /** Starts polling {@code mesh} every {@code periodMillis}; stops polling a previous one. */
    public void start(MeshHandle mesh, long periodMillis) {
        timer.execute(() -> {
            stopNow();
            handle = mesh;
            events.clear();
            lastSequence = 0;
            resources = null;
            meshEvents.clear();
            lastMeshSequence = 0;
            task = timer.scheduleAtFixedRate(this::poll, 0, periodMillis, TimeUnit.MILLISECONDS);
        });
    }

    /** Stops polling; frames already handed off may still arrive. */
    public void stop() {
        timer.execute(this::stopNow);
    }

    /** Which requests the inspector shows; read on the next poll. */
    public void setLogQuery(Function<MeshHandle, List<RequestRecord>> query) {
        this.logQuery = query;
    }

    private void stopNow() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        handle = null;
    }

    private void poll() {
        MeshHandle h = handle;
        if (h == null) {
            return;
        }
        try {
            List<ConfigEvent> fresh = h.events(lastSequence);
            if (!fresh.isEmpty() || resources == null) {
                resources = h.resources();
            }
            if (!fresh.isEmpty()) {
                events.addAll(fresh);
                lastSequence = fresh.get(fresh.size() - 1).sequence();
                if (events.size() > MAX_EVENTS) {
                    events.subList(0, events.size() - MAX_EVENTS).clear();
                }
            }
            for (dev.loopmesh.telemetry.MeshEvent e : h.meshEvents(lastMeshSequence)) {
                lastMeshSequence = e.sequence();
                if ("outlier".equals(e.kind()) || "chaos".equals(e.kind())) {
                    meshEvents.add(e);
                }
            }
            if (meshEvents.size() > MAX_EVENTS) {
                meshEvents.subList(0, meshEvents.size() - MAX_EVENTS).clear();
            }
            MeshFrame frame = new MeshFrame(System.nanoTime(), h.edges(10), events, logQuery.apply(h), resources, h.traffic(), meshEvents);
            if (pending.getAndSet(frame) == null) {
                uiExecutor.execute(() -> {
                    MeshFrame latest = pending.getAndSet(null);
                    if (latest != null) {
                        consumer.accept(latest);
                    }
                });
            }
        } catch (RuntimeException e) {
            // a mesh closing under us; the next poll (or the stop) settles it
            LOG.log(Level.FINE, "poll failed", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
