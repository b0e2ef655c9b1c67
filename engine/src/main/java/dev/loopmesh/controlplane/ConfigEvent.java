package dev.loopmesh.controlplane;

import java.time.Instant;
import java.util.List;

/**
 * What happened to a piece of config: the timeline of the desktop app and {@code GET /api/events}.
 *
 * @param resource {@code Kind namespace/name}
 * @param proxies  the proxies whose snapshot changed (for APPLIED/DELETED), or that refused it (NACKED)
 */
public record ConfigEvent(long sequence, Instant time, Type type, String resource, List<String> proxies, long version,
                          String detail) {
    public enum Type { APPLIED, UNCHANGED, REJECTED, DELETED, NACKED }

    public ConfigEvent {
        proxies = List.copyOf(proxies);
        detail = detail == null ? "" : detail;
    }
}
