package dev.loopmesh.telemetry;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntCountsHistogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-edge statistics from the source reporter's records. Recording is lock-free (an HdrHistogram
 * {@link Recorder} and adders); once a second {@link #tick()} folds what was recorded into a ring of
 * one-second buckets (the last 10 s) and a ring of ten-second buckets (the last minute), plus totals
 * since start for reports.
 */
public final class EdgeStats implements RequestSink {
    /** Latencies are kept in microseconds up to a minute; longer ones count as a minute. */
    static final long MAX_MICROS = 60_000_000L;
    private static final int SHORT = 10;
    private static final int LONG = 6;

    private final ConcurrentHashMap<Key, Edge> edges = new ConcurrentHashMap<>();
    private final String reporter;
    private final boolean perDestination;
    private long ticks;
    private long cachedTick = -1;
    private int cachedEdges = -1;
    private List<EdgeSnapshot> cachedShort;
    private List<EdgeSnapshot> cachedLong;

    /** Edges as the source reporters (callers' sidecars and the gateway) saw them. */
    public EdgeStats() {
        this("source", false);
    }

    /**
     * @param reporter       which side's records to count: "source" or "destination"
     * @param perDestination true to fold every source into one: per-workload statistics (source "*")
     */
    public EdgeStats(String reporter, boolean perDestination) {
        this.reporter = reporter;
        this.perDestination = perDestination;
    }

    private record Key(String source, String destination) {
    }

    /** The edges an event loop recorded last: recording a request makes no key and computes no hash. */
    private static final class Recent {
        static final int SIZE = 8;
        final Key[] keys = new Key[SIZE];
        final Edge[] edges = new Edge[SIZE];
        int next;
    }

    private final io.netty.util.concurrent.FastThreadLocal<Recent> recent = new io.netty.util.concurrent.FastThreadLocal<>() {
        @Override
        protected Recent initialValue() {
            return new Recent();
        }
    };

    private Edge recentEdge(String source, String destination) {
        Recent c = recent.get();
        for (int i = 0; i < Recent.SIZE; i++) {
            Key k = c.keys[i];
            if (k != null && k.destination.equals(destination) && k.source.equals(source)) {
                return c.edges[i]; // edges stay in the map for the life of the mesh
            }
        }
        return null;
    }

    @Override
    public void record(RequestRecord r) {
        if (!reporter.equals(r.reporter())) {
            return;
        }
        String destination = "unknown".equals(r.destinationWorkload()) ? r.destinationService() : r.destinationWorkload();
        String source = perDestination ? "*" : r.sourceWorkload();
        Edge e = recentEdge(source, destination);
        if (e == null) {
            Key key = new Key(source, destination);
            e = edges.computeIfAbsent(key, k -> new Edge(r.destinationService()));
            Recent c = recent.get();
            c.keys[c.next] = key;
            c.edges[c.next] = e;
            c.next = (c.next + 1) % Recent.SIZE;
        }
        e.recorder.recordValue(Math.min(Math.max(r.durationMicros(), 1), MAX_MICROS));
        e.status(r.status()).increment();
        if (r.status() > 0 && r.status() < 500 && !r.isSuccess()) {
            // a gRPC call that failed with HTTP 200 and a non-zero grpc-status
            e.grpcErrors.increment();
        }
        if (!"-".equals(r.responseFlags())) {
            for (String f : r.responseFlags().split(",")) {
                e.flags.computeIfAbsent(f, x -> new LongAdder()).increment();
            }
        }
        e.mtls = r.mtls();
        // counted last: a tick that sees the new count sees everything else of this request (see Edge.roll)
        e.requests.increment();
    }

    /** Folds the last second in; call once a second from one thread. */
    public synchronized void tick() {
        ticks++;
        for (Edge e : edges.values()) {
            e.roll(ticks);
        }
    }

    /** The last {@code seconds} (10 or 60; other values round to those) of every edge with traffic in it. */
    public synchronized List<EdgeSnapshot> snapshot(int seconds) {
        boolean shortWindow = seconds <= SHORT;
        // the windows hold whole seconds only, so they change on a tick: between ticks a reader polling ten
        // times a second (the desktop app) gets the same list instead of merging every edge's histograms again
        List<EdgeSnapshot> cached = shortWindow ? cachedShort : cachedLong;
        if (cached != null && cachedTick == ticks && cachedEdges == edges.size()) {
            return cached;
        }
        if (cachedTick != ticks || cachedEdges != edges.size()) {
            cachedShort = null;
            cachedLong = null;
            cachedTick = ticks;
            cachedEdges = edges.size();
        }
        List<EdgeSnapshot> out = new ArrayList<>();
        edges.forEach((k, e) -> {
            EdgeSnapshot s = e.window(k, shortWindow, ticks);
            if (s.requests() > 0) {
                out.add(s);
            }
        });
        out.sort(Comparator.comparing(EdgeSnapshot::source).thenComparing(EdgeSnapshot::destination));
        List<EdgeSnapshot> result = List.copyOf(out);
        if (shortWindow) {
            cachedShort = result;
        } else {
            cachedLong = result;
        }
        return result;
    }

    /** Totals since the start, including what was recorded since the last tick. */
    public synchronized List<EdgeSnapshot> totals() {
        tick();
        List<EdgeSnapshot> out = new ArrayList<>();
        edges.forEach((k, e) -> out.add(e.summarize(k, e.total, e.totalCounts, ticks)));
        out.sort(Comparator.comparing(EdgeSnapshot::source).thenComparing(EdgeSnapshot::destination));
        return out;
    }

    private static final AbstractHistogram EMPTY = new IntCountsHistogram(1, MAX_MICROS, 2);

    private static final class Bucket {
        final AbstractHistogram histogram = new IntCountsHistogram(1, MAX_MICROS, 2);
        final Map<String, Long> counts = new HashMap<>();

        void reset() {
            if (histogram.getTotalCount() > 0) {
                histogram.reset();
            }
            counts.clear();
        }

        boolean isEmpty() {
            return counts.isEmpty() && histogram.getTotalCount() == 0;
        }

        void add(Bucket b) {
            // HdrHistogram's add sweeps every count slot, empty or not: a quiet second costs nothing
            if (b.histogram.getTotalCount() > 0) {
                histogram.add(b.histogram);
            }
            b.counts.forEach((k, v) -> counts.merge(k, v, Long::sum));
        }

        /** Takes out what {@code b} added before (a second or ten leaving a window). */
        void subtract(Bucket b) {
            if (b.histogram.getTotalCount() > 0) {
                histogram.subtract(b.histogram);
            }
            b.counts.forEach((k, v) -> counts.compute(k, (x, now) -> now == null || now - v == 0 ? null : now - v));
        }
    }

    private static final class Edge {
        final String destinationService;
        final Recorder recorder = new Recorder(1, MAX_MICROS, 2);
        final LongAdder requests = new LongAdder();
        final LongAdder grpcErrors = new LongAdder();
        final ConcurrentHashMap<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        /** The adders of {@link #statuses} for 0..599, found without boxing the status. */
        final java.util.concurrent.atomic.AtomicReferenceArray<LongAdder> byStatus = new java.util.concurrent.atomic.AtomicReferenceArray<>(600);

        LongAdder status(int code) {
            if (code < 0 || code >= 600) {
                return statuses.computeIfAbsent(code, x -> new LongAdder());
            }
            LongAdder a = byStatus.get(code);
            if (a == null) {
                a = statuses.computeIfAbsent(code, x -> new LongAdder());
                byStatus.set(code, a);
            }
            return a;
        }
        final ConcurrentHashMap<String, LongAdder> flags = new ConcurrentHashMap<>();
        volatile boolean mtls;

        final Bucket[] seconds = new Bucket[SHORT];
        final Bucket[] tens = new Bucket[LONG];
        final Bucket current10 = new Bucket();
        /**
         * The windows kept summed as seconds come and go (a second in, the one leaving out), so a snapshot reads
         * them instead of merging ten or seven histograms per edge: the short window is the last {@code SHORT}
         * seconds, the long one every ten-second bucket plus the current ten.
         */
        final Bucket shortWindow = new Bucket();
        final Bucket longWindow = new Bucket();
        final Histogram total = new Histogram(1, MAX_MICROS, 2);
        final Map<String, Long> totalCounts = new HashMap<>();
        final Map<String, Long> lastCounts = new HashMap<>();
        Histogram interval;
        long firstTick = -1;

        Edge(String destinationService) {
            this.destinationService = destinationService;
            for (int i = 0; i < SHORT; i++) {
                seconds[i] = new Bucket();
            }
            for (int i = 0; i < LONG; i++) {
                tens[i] = new Bucket();
            }
        }

        void roll(long tick) {
            if (firstTick < 0) {
                firstTick = tick;
            }
            Bucket b = seconds[(int) (tick % SHORT)];
            if (!b.isEmpty()) {
                shortWindow.subtract(b);
                b.reset();
            }
            // a request is counted after its latency, status and flags: with no new count there is nothing new
            // to fold in (what was recorded in between is folded in with its count at the next tick). Most edges
            // of a big mesh are quiet in a given second; swapping their recorders would clear a histogram each.
            if (requests.sum() != lastCounts.getOrDefault("requests", 0L)) {
                foldIn(b);
                shortWindow.add(b);
                longWindow.add(b);
                current10.add(b);
            }
            if (tick % SHORT == 0) {
                Bucket t = tens[(int) ((tick / SHORT) % LONG)];
                if (!t.isEmpty()) {
                    longWindow.subtract(t);
                    t.reset();
                }
                if (!current10.isEmpty()) {
                    t.add(current10);
                    current10.reset();
                }
            }
        }

        private void foldIn(Bucket b) {
            interval = recorder.getIntervalHistogram(interval);
            if (interval.getTotalCount() > 0) {
                b.histogram.add(interval);
                total.add(interval);
            }
            Map<String, Long> now = new HashMap<>();
            now.put("requests", requests.sum());
            now.put("grpcErrors", grpcErrors.sum());
            statuses.forEach((s, a) -> now.put("status:" + s, a.sum()));
            flags.forEach((f, a) -> now.put("flag:" + f, a.sum()));
            now.forEach((k, v) -> {
                long delta = v - lastCounts.getOrDefault(k, 0L);
                if (delta != 0) {
                    b.counts.put(k, delta);
                }
            });
            lastCounts.putAll(now);
            totalCounts.clear();
            totalCounts.putAll(now);
        }

        EdgeSnapshot window(Key k, boolean isShort, long tick) {
            Bucket w = isShort ? shortWindow : longWindow;
            if (w.counts.isEmpty()) {
                // no request in the window (most edges of a big mesh, most of the time)
                return summarize(k, EMPTY, Map.of(), 1);
            }
            return summarize(k, w.histogram, w.counts, isShort ? Math.min(SHORT, tick - firstTick + 1)
                    : Math.min(SHORT * LONG + (tick % SHORT), tick - firstTick + 1));
        }

        EdgeSnapshot summarize(Key k, AbstractHistogram h, Map<String, Long> counts, long windowSeconds) {
            long n = counts.getOrDefault("requests", 0L);
            Map<String, Long> responses = new HashMap<>();
            Map<String, Long> fl = new HashMap<>();
            long failed = counts.getOrDefault("grpcErrors", 0L);
            for (Map.Entry<String, Long> c : counts.entrySet()) {
                if (c.getKey().startsWith("status:")) {
                    String code = c.getKey().substring(7);
                    responses.put(code, c.getValue());
                    int status = Integer.parseInt(code);
                    if (status >= 500 || status == 0) {
                        failed += c.getValue();
                    }
                } else if (c.getKey().startsWith("flag:")) {
                    fl.put(c.getKey().substring(5), c.getValue());
                }
            }
            long window = Math.max(1, windowSeconds);
            return new EdgeSnapshot(k.source(), k.destination(), destinationService, window, n, (double) n / window,
                    n == 0 ? Double.NaN : (double) (n - failed) / n,
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(95) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, responses, fl, mtls);
        }
    }
}
