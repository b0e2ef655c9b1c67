package dev.loopmesh.chaos;

import dev.loopmesh.internal.TimeScale;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Applies chaos experiments to a running mesh: schedules each one's start and end (stretched by the time
 * scale), keeps the list of scheduled and active experiments, drives the mesh through {@link PodControl}
 * and {@link LinkControl}, and reports each start, end and failure as a {@link ChaosEvent}.
 *
 * <p>Overlapping experiments compose: pod faults are counted per pod and kind, so a pod killed twice
 * starts again when the last kill ends, and a restart while the pod is killed leaves it killed; link
 * faults are all handed to the {@link LinkControl}, which combines those on one link.
 *
 * <p>Thread-safe: {@link #apply}, {@link #remove} and the timers take one lock, and the controls and the
 * listener are called under it, in order; they must be quick and must not call back into the engine.
 */
public final class ChaosEngine implements AutoCloseable {
    private final PodControl pods;
    private final LinkControl links;
    private final ChaosScheduler scheduler;
    private final TimeScale scale;
    private final Clock clock;
    private final Consumer<ChaosEvent> listener;

    private final Object lock = new Object();
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, int[]> podFaults = new HashMap<>();
    private final List<ChaosEvent> events = new ArrayList<>();
    private long sequence;
    private int generated;

    private static final int KILLS = 0;
    private static final int PAUSES = 1;
    private static final int REFUSALS = 2;
    private static final int MAX_EVENTS = 1000;

    private static final class Entry {
        final ChaosSpec spec;
        final Instant appliedAt;
        Instant startedAt;
        ChaosScheduler.Cancellable timer;
        /** For a restart: whether this entry holds a kill of the pod (it did not find it killed). */
        boolean holdsKill;

        Entry(ChaosSpec spec, Instant appliedAt) {
            this.spec = spec;
            this.appliedAt = appliedAt;
        }

        boolean active() {
            return startedAt != null;
        }
    }

    public ChaosEngine(PodControl pods, LinkControl links, ChaosScheduler scheduler, TimeScale scale, Clock clock,
                       Consumer<ChaosEvent> listener) {
        this.pods = requireNonNull(pods, "pods");
        this.links = requireNonNull(links, "links");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.scale = requireNonNull(scale, "scale");
        this.clock = requireNonNull(clock, "clock");
        this.listener = listener == null ? e -> { } : listener;
    }

    /**
     * Schedules an experiment (or starts it, when its start is zero) and returns its id.
     *
     * @throws IllegalArgumentException when an experiment with this id is already scheduled or active
     */
    public String apply(ChaosSpec spec) {
        requireNonNull(spec, "spec");
        synchronized (lock) {
            String id = spec.id();
            if (id.isEmpty()) {
                do {
                    id = "chaos-" + ++generated;
                } while (entries.containsKey(id));
                spec = spec.withId(id);
            } else if (entries.containsKey(id)) {
                throw new IllegalArgumentException("chaos `" + id + "` already exists (remove it first, or pick another name)");
            }
            Entry e = new Entry(spec, clock.instant());
            entries.put(id, e);
            if (spec.start().isZero()) {
                start(e);
            } else {
                e.timer = scheduler.schedule(scale.scaleNanos(spec.start()), () -> onStartTimer(e));
            }
            return id;
        }
    }

    /** Ends an active experiment or calls off a scheduled one; false when there is none with this id. */
    public boolean remove(String id) {
        synchronized (lock) {
            Entry e = entries.get(id);
            if (e == null) {
                return false;
            }
            end(e, "removed");
            return true;
        }
    }

    /** Scheduled and active experiments, in the order they were applied. */
    public List<ChaosState> active() {
        synchronized (lock) {
            List<ChaosState> out = new ArrayList<>(entries.size());
            for (Entry e : entries.values()) {
                out.add(new ChaosState(e.spec.id(), e.spec.describe(), e.active() ? ChaosState.State.ACTIVE
                        : ChaosState.State.SCHEDULED, e.spec, e.appliedAt, e.startedAt));
            }
            return out;
        }
    }

    /** The events with a sequence number above {@code after} (the last {@value #MAX_EVENTS} are kept). */
    public List<ChaosEvent> events(long after) {
        synchronized (lock) {
            List<ChaosEvent> out = new ArrayList<>();
            for (ChaosEvent e : events) {
                if (e.sequence() > after) {
                    out.add(e);
                }
            }
            return out;
        }
    }

    /** Ends every experiment: the mesh is left as it was found. */
    @Override
    public void close() {
        synchronized (lock) {
            for (Entry e : new ArrayList<>(entries.values())) {
                end(e, "chaos engine closed");
            }
        }
    }

    // --- transitions (under the lock) ---

    private void onStartTimer(Entry e) {
        synchronized (lock) {
            if (entries.get(e.spec.id()) == e && !e.active()) {
                start(e);
            }
        }
    }

    private void onEndTimer(Entry e) {
        synchronized (lock) {
            if (entries.get(e.spec.id()) == e) {
                end(e, e.spec.fault() instanceof ChaosFault.RestartPod ? "restarted" : "duration elapsed");
            }
        }
    }

    private void start(Entry e) {
        e.timer = null;
        try {
            begin(e);
        } catch (RuntimeException ex) {
            entries.remove(e.spec.id());
            emit(e, ChaosEvent.Type.FAILED, ex.getMessage() == null ? ex.toString() : ex.getMessage());
            return;
        }
        e.startedAt = clock.instant();
        emit(e, ChaosEvent.Type.STARTED, "");
        ChaosFault f = e.spec.fault();
        if (f instanceof ChaosFault.RestartPod) {
            e.timer = scheduler.schedule(scale.scaleNanos(((ChaosFault.RestartPod) f).downtime()), () -> onEndTimer(e));
        } else if (e.spec.duration() != null) {
            e.timer = scheduler.schedule(scale.scaleNanos(e.spec.duration()), () -> onEndTimer(e));
        }
    }

    private void end(Entry e, String why) {
        entries.remove(e.spec.id());
        if (e.timer != null) {
            e.timer.cancel();
            e.timer = null;
        }
        if (!e.active()) {
            return;
        }
        String detail = why;
        try {
            undo(e);
        } catch (RuntimeException ex) {
            detail = why + "; undoing it failed: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage());
        }
        emit(e, ChaosEvent.Type.ENDED, detail);
    }

    private void begin(Entry e) {
        ChaosFault f = e.spec.fault();
        if (f instanceof ChaosFault.KillPod) {
            up(((ChaosFault.KillPod) f).pod(), KILLS);
        } else if (f instanceof ChaosFault.RestartPod) {
            String pod = ((ChaosFault.RestartPod) f).pod();
            // a restart of a killed pod leaves it killed: the kill's end starts it
            if (count(pod, KILLS) == 0) {
                up(pod, KILLS);
                e.holdsKill = true;
            }
        } else if (f instanceof ChaosFault.PausePod) {
            up(((ChaosFault.PausePod) f).pod(), PAUSES);
        } else if (f instanceof ChaosFault.RefuseConnections) {
            up(((ChaosFault.RefuseConnections) f).pod(), REFUSALS);
        } else {
            // the entry is not active yet: publish it with the others
            e.startedAt = clock.instant();
            try {
                publishLinks();
            } catch (RuntimeException ex) {
                e.startedAt = null;
                publishLinksQuietly();
                throw ex;
            }
        }
    }

    private void undo(Entry e) {
        ChaosFault f = e.spec.fault();
        if (f instanceof ChaosFault.KillPod) {
            down(((ChaosFault.KillPod) f).pod(), KILLS);
        } else if (f instanceof ChaosFault.RestartPod) {
            if (e.holdsKill) {
                down(((ChaosFault.RestartPod) f).pod(), KILLS);
            }
        } else if (f instanceof ChaosFault.PausePod) {
            down(((ChaosFault.PausePod) f).pod(), PAUSES);
        } else if (f instanceof ChaosFault.RefuseConnections) {
            down(((ChaosFault.RefuseConnections) f).pod(), REFUSALS);
        } else {
            publishLinks();
        }
    }

    private int count(String pod, int kind) {
        int[] c = podFaults.get(pod);
        return c == null ? 0 : c[kind];
    }

    private void up(String pod, int kind) {
        int[] c = podFaults.computeIfAbsent(pod, k -> new int[3]);
        if (c[kind] == 0) {
            act(pod, kind, true);
        }
        c[kind]++;
    }

    private void down(String pod, int kind) {
        int[] c = podFaults.get(pod);
        if (c == null || c[kind] == 0) {
            return;
        }
        c[kind]--;
        if (c[kind] == 0) {
            if (c[KILLS] + c[PAUSES] + c[REFUSALS] == 0) {
                podFaults.remove(pod);
            }
            act(pod, kind, false);
        }
    }

    private void act(String pod, int kind, boolean on) {
        switch (kind) {
            case KILLS:
                if (on) {
                    pods.kill(pod);
                } else {
                    pods.start(pod);
                }
                break;
            case PAUSES:
                if (on) {
                    pods.pause(pod);
                } else {
                    pods.resume(pod);
                }
                break;
            default:
                pods.refuse(pod, on);
                break;
        }
    }

    private void publishLinks() {
        List<LinkRule> rules = new ArrayList<>();
        for (Entry x : entries.values()) {
            if (x.active() && x.spec.fault() instanceof ChaosFault.LinkChaos) {
                rules.add(new LinkRule(x.spec.id(), (ChaosFault.LinkChaos) x.spec.fault()));
            }
        }
        links.set(List.copyOf(rules));
    }

    private void publishLinksQuietly() {
        try {
            publishLinks();
        } catch (RuntimeException ignored) {
            // the failure that brought us here is the one reported
        }
    }

    private void emit(Entry e, ChaosEvent.Type type, String detail) {
        ChaosEvent ev = new ChaosEvent(++sequence, e.spec.id(), type, e.spec.fault().describe(), detail, clock.instant());
        events.add(ev);
        if (events.size() > MAX_EVENTS) {
            events.remove(0);
        }
        try {
            listener.accept(ev);
        } catch (RuntimeException ignored) {
            // a listener cannot break the engine
        }
    }
}
