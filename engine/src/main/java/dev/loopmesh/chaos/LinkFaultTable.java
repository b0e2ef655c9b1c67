package dev.loopmesh.chaos;

import dev.loopmesh.internal.TimeScale;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The active link faults, as the proxies read them: the engine {@link #set}s the whole list on each
 * change, and a proxy {@link #lookup}s the composed fault of a hop when it opens or uses a connection.
 * Lookups read an immutable snapshot without locking and are cached per hop until the next change.
 */
public final class LinkFaultTable implements LinkControl {
    private record Hop(LinkPeer from, LinkPeer to) {
    }

    private record Snapshot(List<LinkRule> rules, Map<Hop, LinkFault> cache) {
    }

    private final TimeScale scale;
    private volatile Snapshot snapshot = new Snapshot(List.of(), new ConcurrentHashMap<>());

    public LinkFaultTable(TimeScale scale) {
        this.scale = requireNonNull(scale, "scale");
    }

    @Override
    public void set(List<LinkRule> active) {
        snapshot = new Snapshot(List.copyOf(active), new ConcurrentHashMap<>());
    }

    public List<LinkRule> rules() {
        return snapshot.rules();
    }

    /** The composed fault on traffic from {@code from} to {@code to}; {@link LinkFault#NONE} when there is none. */
    public LinkFault lookup(LinkPeer from, LinkPeer to) {
        Snapshot s = snapshot;
        if (s.rules().isEmpty()) {
            return LinkFault.NONE;
        }
        return s.cache().computeIfAbsent(new Hop(from, to), h -> {
            List<LinkRule> matching = new ArrayList<>();
            for (LinkRule r : s.rules()) {
                if (r.matches(h.from(), h.to())) {
                    matching.add(r);
                }
            }
            return LinkFault.of(matching, scale);
        });
    }
}
