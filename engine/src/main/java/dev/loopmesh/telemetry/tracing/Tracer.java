package dev.loopmesh.telemetry.tracing;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/**
 * What a proxy or a workload calls to take part in traces: continue or start a trace from request
 * headers, open spans, record finished ones. One per mesh; safe from every event loop.
 *
 * <pre>
 *   gateway / sidecar inbound:  server = tracer.serverSpan(headers::get)      (child of the caller's span, or a root)
 *   each upstream attempt:      client = tracer.clientSpan(server)            (outbound sidecar: tracer.clientSpan(tracer.incoming(headers::get)))
 *                               client.inject(upstreamHeaders::set)
 *   when each finishes:         tracer.finish(client, ..., SpanRecord.Kind.CLIENT, ...)
 * </pre>
 */
public final class Tracer {
    private static final long ANCHOR_NANOS = System.nanoTime();
    private static final long ANCHOR_EPOCH_MICROS = java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH,
            java.time.Instant.now());

    private volatile Sampler sampler;
    private final TraceStore store;
    private final RandomGenerator ids;

    /** Samples everything into a default-sized store. */
    public Tracer() {
        this(Sampler.ALWAYS, new TraceStore(), new ThreadLocalIds());
    }

    /**
     * Ids from the calling thread's own ThreadLocalRandom: {@code ThreadLocalRandom.current()} captured
     * once would be used from every event loop, which it is not made for.
     */
    static final class ThreadLocalIds implements RandomGenerator {
        @Override
        public long nextLong() {
            return ThreadLocalRandom.current().nextLong();
        }
    }

    /** @param ids the source of trace and span ids; must be safe for the calling threads */
    public Tracer(Sampler sampler, TraceStore store, RandomGenerator ids) {
        this.sampler = requireNonNull(sampler, "sampler");
        this.store = requireNonNull(store, "store");
        this.ids = requireNonNull(ids, "ids");
    }

    /**
     * The context the request arrived with, with a sampling decision (this proxy's sampler decides when
     * B3 left it open); null when it carried none.
     */
    public TraceContext incoming(Function<String, String> headers) {
        TraceContext in = TraceContext.fromHeaders(headers);
        if (in != null && !in.hasSamplingDecision()) {
            in = in.withSampled(sampler.sample());
        }
        return in;
    }

    /** The server span for a request received: a child of the caller's span, or the root of a new trace. */
    public TraceContext serverSpan(Function<String, String> headers) {
        TraceContext in = incoming(headers);
        return in != null ? in.child(ids) : root(headers);
    }

    /** A client span under {@code parent}; a new root when there is no parent (an app that sent no trace headers). */
    public TraceContext clientSpan(TraceContext parent) {
        return parent != null ? parent.child(ids) : TraceContext.root(ids, sampler.sample());
    }

    /** Records a finished span when its trace is sampled; does nothing otherwise. */
    public void finish(TraceContext span, String name, String service, String proxy, SpanRecord.Kind kind,
                       long startEpochMicros, long durationMicros, int status, String responseFlags,
                       Map<String, String> attributes) {
        if (span.sampled()) {
            store.add(SpanRecord.of(span, name, service, proxy, kind, startEpochMicros, durationMicros, status,
                    responseFlags, attributes));
        }
    }

    /**
     * Wall-clock microseconds of a {@code System.nanoTime()} reading, from one anchor for the whole JVM: spans
     * that proxies and apps record line up to the microsecond (a millisecond clock would let a child appear
     * to start before its parent).
     */
    public static long epochMicros(long nanoTime) {
        return ANCHOR_EPOCH_MICROS + (nanoTime - ANCHOR_NANOS) / 1000;
    }

    public TraceStore store() {
        return store;
    }

    public Sampler sampler() {
        return sampler;
    }

    /** Changes the sampling of traces started from now on. */
    public void sampler(Sampler sampler) {
        this.sampler = requireNonNull(sampler, "sampler");
    }

    private TraceContext root(Function<String, String> headers) {
        // "b3: 0" or "x-b3-sampled: 0" without ids still says: do not sample
        String b3 = headers.apply(TraceContext.B3);
        String flag = headers.apply(TraceContext.B3_SAMPLED);
        boolean denied = (b3 != null && b3.trim().equals("0")) || (flag != null && flag.trim().equals("0"));
        return TraceContext.root(ids, !denied && sampler.sample());
    }
}
