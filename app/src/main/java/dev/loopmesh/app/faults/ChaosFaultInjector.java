package dev.loopmesh.app.faults;

import dev.loopmesh.chaos.ChaosEngine;
import dev.loopmesh.chaos.ChaosFault;
import dev.loopmesh.chaos.ChaosSpec;
import dev.loopmesh.chaos.Direction;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Faults with the engine's chaos engine for what is infrastructure (pod kill and pause, partitions,
 * latency and bandwidth toxics on a link), and Istio fault injection (through {@link MeshFaultInjector})
 * for delay and abort, which are mesh policy.
 */
public final class ChaosFaultInjector implements FaultInjector {
    private final ChaosEngine chaos;
    private final MeshFaultInjector policies;
    /** Our fault id → the chaos engine's experiment id. */
    private final Map<String, ActiveFault> mine = new LinkedHashMap<>();
    private final Map<String, String> experiments = new LinkedHashMap<>();
    /** The chaos engine's ids of the experiments started here: read from the FX thread, hence concurrent. */
    private final Set<String> own = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private int next;

    public ChaosFaultInjector(ChaosEngine chaos, MeshFaultInjector policies) {
        this.chaos = requireNonNull(chaos, "chaos");
        this.policies = requireNonNull(policies, "policies");
    }

    @Override
    public Set<FaultKind> supported() {
        return EnumSet.allOf(FaultKind.class);
    }

    @Override
    public ActiveFault inject(FaultRequest request) {
        if (request.kind().isPolicy()) {
            return policies.inject(request);
        }
        String id = chaos.apply(ChaosSpec.now("", fault(request)));
        own.add(id);
        ActiveFault f = new ActiveFault("chaos-fault-" + ++next, request, Instant.now());
        mine.put(f.id(), f);
        experiments.put(f.id(), id);
        return f;
    }

    @Override
    public boolean remove(String id) {
        String experiment = experiments.remove(id);
        if (experiment == null) {
            return policies.remove(id);
        }
        mine.remove(id);
        chaos.remove(experiment);
        return true;
    }

    /** Whether the chaos experiment with this engine id was started through this injector (any thread). */
    public boolean started(String experimentId) {
        return own.contains(experimentId);
    }

    @Override
    public List<ActiveFault> active() {
        List<ActiveFault> out = new ArrayList<>(policies.active());
        out.addAll(mine.values());
        return out;
    }

    static ChaosFault fault(FaultRequest r) {
        FaultTarget t = r.target();
        return switch (r.kind()) {
            case KILL_POD -> new ChaosFault.KillPod(pod(t));
            case PAUSE_POD -> new ChaosFault.PausePod(pod(t));
            case PARTITION -> {
                FaultTarget.Edge e = edge(t);
                yield new ChaosFault.Partition(e.sourceService(), e.service());
            }
            case LATENCY -> {
                FaultTarget.Edge e = edge(t);
                yield new ChaosFault.LinkLatency(e.sourceWorkload(), e.service(), Duration.ofMillis(r.millis()), Duration.ZERO, Direction.RESPONSE);
            }
            case BANDWIDTH -> {
                FaultTarget.Edge e = edge(t);
                yield new ChaosFault.LinkBandwidth(e.sourceWorkload(), e.service(), Math.max(1, r.bytesPerSecond()), Direction.RESPONSE);
            }
            default -> throw new IllegalArgumentException(r.kind().word() + " is a policy fault");
        };
    }

    private static String pod(FaultTarget t) {
        if (t instanceof FaultTarget.Pod p) {
            return p.pod();
        }
        throw new IllegalArgumentException("a pod fault needs a pod (got " + t.describe() + ")");
    }

    private static FaultTarget.Edge edge(FaultTarget t) {
        if (t instanceof FaultTarget.Edge e) {
            return e;
        }
        throw new IllegalArgumentException("a link fault needs an edge (got " + t.describe() + ")");
    }
}
