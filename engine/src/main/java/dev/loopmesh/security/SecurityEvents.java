package dev.loopmesh.security;

import dev.loopmesh.ca.CaEvent;
import dev.loopmesh.telemetry.EventLog;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Puts the security runtime on the mesh's timeline ({@code GET /api/events}): every CA event (kind
 * {@code ca}: ISSUED, ROTATED, EXPIRED) and the connections an inbound refused (kind {@code mtls}, type
 * REFUSED: STRICT plaintext, failed handshakes; kind {@code authz}, type DENIED: TCP connections RBAC closed). A client retrying against STRICT refuses many
 * connections a second: per proxy and reason, one event a second at most, the next one counting those
 * left out, so the timeline keeps its other events.
 */
public final class SecurityEvents {
    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final EventLog log;
    private final Function<String, List<String>> proxiesOf;
    private final LongSupplier nanos;
    private final Map<String, long[]> lastRefusal = new ConcurrentHashMap<>();

    /**
     * @param proxiesOf the proxies that present a SPIFFE identity (for the event's proxies)
     * @param nanos     a monotonic clock (System::nanoTime; tests pass a fake)
     */
    SecurityEvents(EventLog log, Function<String, List<String>> proxiesOf, LongSupplier nanos) {
        this.log = requireNonNull(log, "log");
        this.proxiesOf = requireNonNull(proxiesOf, "proxiesOf");
        this.nanos = requireNonNull(nanos, "nanos");
    }

    /** Starts reporting {@code security}'s CA events and refusals to {@code log}. */
    public static SecurityEvents attach(MeshSecurity security, EventLog log, Function<String, List<String>> proxiesOf) {
        SecurityEvents e = new SecurityEvents(log, proxiesOf, System::nanoTime);
        security.addListener(e::ca);
        security.addRefusalListener(e::refused);
        return e;
    }

    void ca(CaEvent e) {
        String detail = "serial " + e.serial() + ", valid until " + e.notAfter() + (e.detail().isEmpty() ? "" : " (" + e.detail() + ")");
        log.add("ca", e.type().name(), e.spiffeId(), detail, proxiesOf.apply(e.spiffeId()), 0);
    }

    void refused(String proxy, String why) {
        String reason = why.startsWith("plaintext") ? "plaintext" : why.startsWith("RBAC") ? "rbac" : "handshake";
        long now = nanos.getAsLong();
        // [0] when the last event went out, [1] refusals left out since
        long[] state = lastRefusal.computeIfAbsent(proxy + "|" + reason, k -> new long[] {now - QUIET_NANOS, 0});
        long suppressed;
        synchronized (state) {
            if (now - state[0] < QUIET_NANOS) {
                state[1]++;
                return;
            }
            suppressed = state[1];
            state[0] = now;
            state[1] = 0;
        }
        log.add(reason.equals("rbac") ? "authz" : "mtls", reason.equals("rbac") ? "DENIED" : "REFUSED", proxy, why + (suppressed == 0 ? "" : " (and " + suppressed + " more since the last report)"),
                List.of(proxy), 0);
    }
}
