package dev.loopmesh.workload;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.internal.TimeScale;
import dev.loopmesh.telemetry.tracing.Tracer;
import dev.loopmesh.topology.BehaviorSpec;
import dev.loopmesh.workload.client.HttpClientPool;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/**
 * Everything one pod's handlers need, shared by its connections.
 *
 * @param random a seedable source; draws are serialised across the pod's event loops
 * @param ticker nanosecond time (System::nanoTime outside tests)
 * @param tracer where the app records its spans; null for an app that records none (it still passes the
 *               trace headers on)
 */
public record WorkloadRuntime(PodInfo pod, BehaviorSpec behavior, OutboundTarget outbound, HttpClientPool client,
                              TimeScale timeScale, RandomGenerator random, LongSupplier ticker, LongAdder served,
                              Tracer tracer) {
    public WorkloadRuntime {
        requireNonNull(pod, "pod");
        requireNonNull(behavior, "behavior");
        requireNonNull(outbound, "outbound");
        requireNonNull(client, "client");
        requireNonNull(timeScale, "timeScale");
        requireNonNull(random, "random");
        random = random instanceof LockedRandom ? random : new LockedRandom(random);
        ticker = ticker == null ? System::nanoTime : ticker;
        served = served == null ? new LongAdder() : served;
    }

    public WorkloadRuntime(PodInfo pod, BehaviorSpec behavior, OutboundTarget outbound, HttpClientPool client,
                           TimeScale timeScale, RandomGenerator random, LongSupplier ticker, LongAdder served) {
        this(pod, behavior, outbound, client, timeScale, random, ticker, served, null);
    }

    public WorkloadRuntime(PodInfo pod, BehaviorSpec behavior, OutboundTarget outbound, HttpClientPool client,
                           TimeScale timeScale, RandomGenerator random) {
        this(pod, behavior, outbound, client, timeScale, random, null, null, null);
    }

    double configuredMillis(long realNanos) {
        return timeScale.toConfiguredNanos(realNanos) / 1_000_000.0;
    }
}
