package dev.loopmesh.telemetry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The last requests of each proxy, in a bounded ring per proxy (Envoy's access log, kept in memory). */
public final class AccessLog implements RequestSink {
    private final int perProxy;
    private final Map<String, ArrayDeque<RequestRecord>> rings = new ConcurrentHashMap<>();

    public AccessLog(int perProxy) {
        if (perProxy < 1) {
            throw new IllegalArgumentException("perProxy: " + perProxy + " (expected: >= 1)");
        }
        this.perProxy = perProxy;
    }

    @Override
    public void record(RequestRecord r) {
        ArrayDeque<RequestRecord> ring = rings.computeIfAbsent(r.proxy(), p -> new ArrayDeque<>());
        synchronized (ring) {
            if (ring.size() == perProxy) {
                ring.pollFirst();
            }
            ring.addLast(r);
        }
    }

    /** The last {@code limit} records of {@code proxy}, oldest first. */
    public List<RequestRecord> last(String proxy, int limit) {
        ArrayDeque<RequestRecord> ring = rings.get(proxy);
        if (ring == null) {
            return List.of();
        }
        synchronized (ring) {
            List<RequestRecord> all = new ArrayList<>(ring);
            return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
        }
    }

    /** Envoy's default access log format, one line. */
    public static String envoyFormat(RequestRecord r) {
        return "[" + java.time.Instant.ofEpochMilli(r.startEpochMillis()) + "] \"" + r.method() + " " + r.path() + " HTTP/1.1\" "
                + r.status() + " " + r.responseFlags() + " - \"-\" " + r.requestBytes() + " " + r.responseBytes() + " "
                + r.durationMicros() / 1000 + " " + (r.upstreamServiceMicros() > 0 ? Long.toString(r.upstreamServiceMicros() / 1000) : "-")
                + " \"-\" \"" + r.userAgent() + "\" \"" + r.requestId() + "\" \"" + r.authority() + "\" \"" + r.upstreamHost() + "\" "
                + (r.upstreamCluster().isEmpty() ? "-" : r.upstreamCluster()) + " - - " + r.downstreamAddress() + " "
                + (r.routeName().isEmpty() ? "-" : r.routeName()) + " attempts=" + r.attempts();
    }
}
