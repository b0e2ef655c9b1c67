package dev.loopmesh.telemetry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last requests of each proxy, in a bounded ring per proxy (Envoy's access log, kept in memory).
 * Every entry gets a sequence number from one counter for the whole mesh, taken under its ring's lock,
 * so within one proxy the numbers only grow: a reader that remembers the last number it saw can ask
 * for what came after it ({@code loopmesh logs -f}, {@code loopmesh top}).
 */
public final class AccessLog implements RequestSink {
    /** One kept record and its sequence number (unique in the mesh, increasing within a proxy). */
    public record Entry(long sequence, RequestRecord record) {
    }

    private final int perProxy;
    private final Map<String, ArrayDeque<Entry>> rings = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    public AccessLog(int perProxy) {
        if (perProxy < 1) {
            throw new IllegalArgumentException("perProxy: " + perProxy + " (expected: >= 1)");
        }
        this.perProxy = perProxy;
    }

    @Override
    public void record(RequestRecord r) {
        ArrayDeque<Entry> ring = rings.computeIfAbsent(r.proxy(), p -> new ArrayDeque<>());
        synchronized (ring) {
            if (ring.size() == perProxy) {
                ring.pollFirst();
            }
            ring.addLast(new Entry(sequence.incrementAndGet(), r));
        }
    }

    /** The last {@code limit} records of {@code proxy}, oldest first. */
    public List<RequestRecord> last(String proxy, int limit) {
        List<Entry> entries = entries(proxy, -1, limit);
        List<RequestRecord> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(e.record());
        }
        return List.copyOf(out);
    }

    /**
     * Entries of {@code proxy}, oldest first. With {@code after < 0}: the last {@code limit}. Otherwise the
     * first {@code limit} entries whose sequence is above {@code after}, so a poller that continues from the
     * last sequence it got misses nothing the ring still holds.
     */
    public List<Entry> entries(String proxy, long after, int limit) {
        ArrayDeque<Entry> ring = rings.get(proxy);
        if (ring == null || limit < 1) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>(Math.min(limit, perProxy));
        synchronized (ring) {
            if (after < 0) {
                int skip = Math.max(0, ring.size() - limit);
                Iterator<Entry> it = ring.iterator();
                for (int i = 0; it.hasNext(); i++) {
                    Entry e = it.next();
                    if (i >= skip) {
                        out.add(e);
                    }
                }
            } else {
                for (Entry e : ring) {
                    if (e.sequence() > after) {
                        out.add(e);
                        if (out.size() == limit) {
                            break;
                        }
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /** The highest sequence number given so far (0 before the first record). */
    public long lastSequence() {
        return sequence.get();
    }

    /** Istio's default TEXT access log line for one record (see {@link AccessLogFormat}). */
    public static String envoyFormat(RequestRecord r) {
        return AccessLogFormat.text(r);
    }
}
