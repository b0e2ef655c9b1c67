package dev.loopmesh.telemetry.tracing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import static java.util.Objects.requireNonNull;

/**
 * The last {@code maxTraces} traces, each with at most {@code maxSpansPerTrace} spans, in memory.
 * Adding a span takes no lock: a trace's spans go into a fixed array through an atomic index, and a new
 * trace takes the next slot of a ring, evicting the trace that held it. Spans beyond a trace's limit are
 * counted and dropped; a late span of an evicted trace starts it again.
 */
public final class TraceStore {
    public static final int DEFAULT_MAX_TRACES = 1000;
    public static final int DEFAULT_MAX_SPANS = 256;

    private final int maxTraces;
    private final int maxSpans;
    private final ConcurrentHashMap<String, Entry> traces = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<Entry> ring;
    private final AtomicLong sequence = new AtomicLong();
    private final LongAdder droppedSpans = new LongAdder();

    private static final class Entry {
        final String traceId;
        final long seq;
        final AtomicReferenceArray<SpanRecord> spans;
        final AtomicInteger count = new AtomicInteger();

        Entry(String traceId, long seq, int maxSpans) {
            this.traceId = traceId;
            this.seq = seq;
            this.spans = new AtomicReferenceArray<>(maxSpans);
        }

        List<SpanRecord> spans() {
            int n = Math.min(count.get(), spans.length());
            List<SpanRecord> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                SpanRecord s = spans.get(i);
                if (s != null) {
                    out.add(s);
                }
            }
            return out;
        }
    }

    public TraceStore() {
        this(DEFAULT_MAX_TRACES, DEFAULT_MAX_SPANS);
    }

    public TraceStore(int maxTraces, int maxSpansPerTrace) {
        if (maxTraces < 1) {
            throw new IllegalArgumentException("maxTraces: " + maxTraces + " (expected: >= 1)");
        }
        if (maxSpansPerTrace < 1) {
            throw new IllegalArgumentException("maxSpansPerTrace: " + maxSpansPerTrace + " (expected: >= 1)");
        }
        this.maxTraces = maxTraces;
        this.maxSpans = maxSpansPerTrace;
        this.ring = new AtomicReferenceArray<>(maxTraces);
    }

    /** Keeps a finished span. Safe from any thread; never blocks. */
    public void add(SpanRecord span) {
        requireNonNull(span, "span");
        Entry e = traces.get(span.traceId());
        if (e == null) {
            e = startTrace(span.traceId());
        }
        int i = e.count.getAndIncrement();
        if (i < maxSpans) {
            e.spans.set(i, span);
        } else {
            droppedSpans.increment();
        }
    }

    private Entry startTrace(String traceId) {
        long seq = sequence.getAndIncrement();
        Entry fresh = new Entry(traceId, seq, maxSpans);
        Entry raced = traces.putIfAbsent(traceId, fresh);
        if (raced != null) {
            return raced;
        }
        Entry evicted = ring.getAndSet((int) (seq % maxTraces), fresh);
        if (evicted != null) {
            traces.remove(evicted.traceId, evicted);
        }
        return fresh;
    }

    /** Up to {@code limit} traces, newest first (by start, then by arrival). */
    public List<TraceSummary> list(int limit) {
        record Row(TraceSummary summary, long seq) {
        }
        List<Row> rows = new ArrayList<>();
        for (Entry e : traces.values()) {
            TraceSummary s = summarize(e.traceId, e.spans());
            if (s != null) {
                rows.add(new Row(s, e.seq));
            }
        }
        rows.sort(Comparator.comparingLong((Row r) -> r.summary().startEpochMicros()).thenComparingLong(Row::seq).reversed());
        List<TraceSummary> out = new ArrayList<>(Math.min(Math.max(limit, 0), rows.size()));
        for (int i = 0; i < rows.size() && out.size() < limit; i++) {
            out.add(rows.get(i).summary());
        }
        return out;
    }

    /** One trace's spans in start order, or empty when it is unknown or was evicted. */
    public Optional<List<SpanRecord>> trace(String traceId) {
        Entry e = traces.get(requireNonNull(traceId, "traceId"));
        if (e == null) {
            return Optional.empty();
        }
        List<SpanRecord> spans = e.spans();
        spans.sort(Comparator.comparingLong(SpanRecord::startEpochMicros));
        return Optional.of(spans);
    }

    /** Every kept span, oldest trace first: what an export writes. */
    public List<SpanRecord> allSpans() {
        List<Entry> entries = new ArrayList<>(traces.values());
        entries.sort(Comparator.comparingLong(e -> e.seq));
        List<SpanRecord> out = new ArrayList<>();
        for (Entry e : entries) {
            out.addAll(e.spans());
        }
        return out;
    }

    public int size() {
        return traces.size();
    }

    /** Spans dropped because their trace already had {@code maxSpansPerTrace}. */
    public long droppedSpans() {
        return droppedSpans.sum();
    }

    public void clear() {
        for (int i = 0; i < maxTraces; i++) {
            ring.set(i, null);
        }
        traces.clear();
    }

    static TraceSummary summarize(String traceId, List<SpanRecord> spans) {
        if (spans.isEmpty()) {
            return null;
        }
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        SpanRecord root = null;
        SpanRecord earliest = null;
        for (SpanRecord s : spans) {
            start = Math.min(start, s.startEpochMicros());
            end = Math.max(end, s.endEpochMicros());
            if (s.isRoot() && (root == null || s.startEpochMicros() < root.startEpochMicros())) {
                root = s;
            }
            if (earliest == null || s.startEpochMicros() < earliest.startEpochMicros()) {
                earliest = s;
            }
        }
        String service = (root != null ? root : earliest).service();
        return new TraceSummary(traceId, service, (end - start) / 1000.0, spans.size(), start);
    }
}
