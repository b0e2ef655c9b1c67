package dev.loopmesh.telemetry;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;

/** The mesh's timeline of events, bounded, in order; readers poll with the last sequence they saw. */
public final class EventLog {
    private final Clock clock;
    private final int max;
    private final ArrayDeque<MeshEvent> events = new ArrayDeque<>();
    private long sequence;

    public EventLog(Clock clock, int max) {
        this.clock = clock;
        this.max = max;
    }

    public synchronized MeshEvent add(String kind, String type, String subject, String detail, List<String> proxies, long version) {
        MeshEvent e = new MeshEvent(++sequence, clock.instant(), kind, type, subject, detail, proxies, version);
        events.addLast(e);
        if (events.size() > max) {
            events.pollFirst();
        }
        return e;
    }

    /** Events with a sequence above {@code after}, oldest first. */
    public synchronized List<MeshEvent> after(long after) {
        return events.stream().filter(e -> e.sequence() > after).toList();
    }
}
