package dev.loopmesh.ca;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The current certificate of every workload identity, as istio-agent keeps it: issued on first use,
 * rotated once {@link #ROTATE_AT} of its lifetime has passed (Istio's SECRET_GRACE_PERIOD_RATIO is
 * 0.5 with jitter; Loopmesh rotates at 80 % so that a few rotations show within one lifetime), and an
 * EXPIRED event if one outlives its validity because rotation is off. Rotation replaces the material
 * for new handshakes only: connections that exist keep the session they negotiated.
 *
 * <p>{@link #rotateDue()} is the only clock-driven step; the mesh calls it periodically and tests call
 * it with a fake clock.
 */
public final class WorkloadIdentities {
    public static final double ROTATE_AT = 0.8;
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(24);

    private final CertificateAuthority ca;
    private final Duration lifetime;
    private final boolean rotate;
    private final Clock clock;
    private final Map<String, WorkloadCertificate> current = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<WorkloadCertificate>>> watchers = new ConcurrentHashMap<>();
    private final Map<String, Boolean> expiredReported = new ConcurrentHashMap<>();
    private final List<CaListener> listeners = new CopyOnWriteArrayList<>();
    private final List<CaEvent> recent = new CopyOnWriteArrayList<>();

    /**
     * @param lifetime the real validity of each certificate (the mesh scales the configured one by its time scale)
     * @param rotate   false to let certificates expire (to show what expiry does)
     */
    public WorkloadIdentities(CertificateAuthority ca, Duration lifetime, boolean rotate) {
        this.ca = requireNonNull(ca, "ca");
        this.lifetime = requireNonNull(lifetime, "lifetime");
        if (lifetime.isZero() || lifetime.isNegative()) {
            throw new IllegalArgumentException("certificate lifetime: " + lifetime + " (expected: > 0)");
        }
        this.rotate = rotate;
        this.clock = ca.clock();
    }

    public CertificateAuthority ca() {
        return ca;
    }

    public Duration lifetime() {
        return lifetime;
    }

    public void addListener(CaListener l) {
        listeners.add(requireNonNull(l, "listener"));
    }

    /** Calls {@code onChange} with each new certificate of {@code spiffeId} (after the first). */
    public void watch(String spiffeId, Consumer<WorkloadCertificate> onChange) {
        watchers.computeIfAbsent(spiffeId, k -> new CopyOnWriteArrayList<>()).add(onChange);
    }

    /** The certificate of {@code spiffeId}, issued now if it has none. */
    public WorkloadCertificate certificate(String spiffeId) {
        return current.computeIfAbsent(spiffeId, id -> {
            WorkloadCertificate c = ca.issue(id, lifetime);
            emit(new CaEvent(CaEvent.Type.ISSUED, clock.instant(), id, c.serial(), c.notAfter(), "lifetime " + lifetime));
            return c;
        });
    }

    /** Rotates every certificate past {@link #ROTATE_AT} of its lifetime; reports expired ones. Returns how many rotated. */
    public synchronized int rotateDue() {
        Instant now = clock.instant();
        int rotated = 0;
        for (Map.Entry<String, WorkloadCertificate> e : new ArrayList<>(current.entrySet())) {
            WorkloadCertificate c = e.getValue();
            if (rotate && !now.isBefore(c.rotationDue(ROTATE_AT))) {
                WorkloadCertificate next = ca.issue(e.getKey(), lifetime);
                current.put(e.getKey(), next);
                expiredReported.remove(e.getKey());
                rotated++;
                emit(new CaEvent(CaEvent.Type.ROTATED, now, e.getKey(), next.serial(), next.notAfter(), "replaces serial " + c.serial()));
                for (Consumer<WorkloadCertificate> w : watchers.getOrDefault(e.getKey(), List.of())) {
                    try {
                        w.accept(next);
                    } catch (RuntimeException ignored) {
                        // a watcher cannot stop the others from getting the new certificate
                    }
                }
            } else if (!now.isBefore(c.notAfter()) && expiredReported.putIfAbsent(e.getKey(), Boolean.TRUE) == null) {
                emit(new CaEvent(CaEvent.Type.EXPIRED, now, e.getKey(), c.serial(), c.notAfter(), "no rotation: new handshakes fail"));
            }
        }
        return rotated;
    }

    /** The next time {@link #rotateDue()} has something to do, or null when nothing is issued. */
    public Instant nextDue() {
        Instant next = null;
        for (WorkloadCertificate c : current.values()) {
            Instant due = rotate ? c.rotationDue(ROTATE_AT) : c.notAfter();
            if (next == null || due.isBefore(next)) {
                next = due;
            }
        }
        return next;
    }

    /** The last events (at most 1000), oldest first. */
    public List<CaEvent> events() {
        return List.copyOf(recent);
    }

    private void emit(CaEvent e) {
        recent.add(e);
        while (recent.size() > 1000) {
            recent.remove(0);
        }
        for (CaListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ignored) {
                // listeners cannot break the authority
            }
        }
    }
}
