package dev.loopmesh.security;

import dev.loopmesh.ca.CaEvent;
import dev.loopmesh.ca.CaListener;
import dev.loopmesh.ca.CertificateAuthority;
import dev.loopmesh.ca.SpiffeId;
import dev.loopmesh.ca.WorkloadIdentities;
import dev.loopmesh.controlplane.ControlPlane;
import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.internal.TimeScale;
import dev.loopmesh.policy.authn.MtlsMode;
import dev.loopmesh.topology.MeshResource;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static java.util.Objects.requireNonNull;

/**
 * The mesh's security runtime: the CA and every workload's certificate (rotated on the mesh's time
 * scale), one {@link ProxySecurity} per proxy, and the servers' mTLS modes that auto mTLS consults.
 */
public final class MeshSecurity implements AutoCloseable {
    public static final String GATEWAY_SERVICE_ACCOUNT = "istio-ingressgateway-service-account";

    private final SecuritySettings settings;
    private final CertificateAuthority ca;
    private final WorkloadIdentities identities;
    private final Clock clock;
    private final TimeScale timeScale;
    private final ControlPlane controlPlane;
    private final Map<String, Integer> refusals = new ConcurrentHashMap<>();
    private final List<String> refusalLog = new CopyOnWriteArrayList<>();
    private final List<RefusalListener> refusalListeners = new CopyOnWriteArrayList<>();
    private java.util.concurrent.ScheduledExecutorService rotator;

    private MeshSecurity(SecuritySettings settings, CertificateAuthority ca, TimeScale timeScale, ControlPlane controlPlane) {
        this.settings = settings;
        this.ca = ca;
        this.clock = ca.clock();
        this.timeScale = timeScale;
        this.controlPlane = controlPlane;
        Duration real = Duration.ofNanos(timeScale.scaleNanos(settings.certificateLifetime()));
        this.identities = new WorkloadIdentities(ca, real, settings.rotate());
    }

    /** The CA from the mesh's MeshConfig: a plugged-in root and intermediate, or a generated root. */
    public static MeshSecurity start(List<MeshResource> resources, TimeScale timeScale, ControlPlane controlPlane, Clock clock) {
        SecuritySettings s = SecurityBinder.bind(resources).settings();
        CertificateAuthority ca = s.rootCert() != null
                ? CertificateAuthority.fromPem(s.trustDomain(), s.rootCert(), s.caCert(), s.caKey(), clock)
                : CertificateAuthority.generate(s.trustDomain(), clock);
        MeshSecurity m = new MeshSecurity(s, ca, timeScale, controlPlane);
        m.warmUp();
        return m;
    }

    private void warmUp() {
        if (MeshTls.PROVIDER != io.netty.handler.ssl.SslProvider.JDK) {
            return; // BoringSSL's handshake is native code: there is no TLS stack to load and compile first
        }
        java.time.Duration d = java.time.Duration.ofMinutes(5);
        MeshTls a = new MeshTls(ca.root(), settings.trustDomain(), clock, ca.issue(SpiffeId.of(settings.trustDomain(), "loopmesh", "warmup-a"), d));
        MeshTls b = new MeshTls(ca.root(), settings.trustDomain(), clock, ca.issue(SpiffeId.of(settings.trustDomain(), "loopmesh", "warmup-b"), d));
        TlsWarmup.run(a, b);
    }

    public String trustDomain() {
        return settings.trustDomain();
    }

    public SecuritySettings settings() {
        return settings;
    }

    Clock clock() {
        return clock;
    }

    public WorkloadIdentities identities() {
        return identities;
    }

    public void addListener(CaListener l) {
        identities.addListener(l);
    }

    public List<CaEvent> events() {
        return identities.events();
    }

    /** The security of one proxy: its identity's certificate, kept current across rotations. */
    public ProxySecurity proxy(String namespace, String serviceAccount, Map<String, String> labels, int port) {
        String id = SpiffeId.of(settings.trustDomain(), namespace, serviceAccount);
        MeshTls tls = new MeshTls(ca.root(), settings.trustDomain(), clock, identities.certificate(id));
        identities.watch(id, tls::update);
        return new ProxySecurity(this, tls, namespace, labels, port);
    }

    /** How often the mesh calls {@link #rotateDue}: a twentieth of the real lifetime, between 50 ms and 10 s. */
    public Duration checkEvery() {
        long ms = identities.lifetime().toMillis() / 20;
        return Duration.ofMillis(Math.max(50, Math.min(10_000, ms)));
    }

    public int rotateDue() {
        return identities.rotateDue();
    }

    /**
     * Checks for due rotations every {@link #checkEvery()} on a thread of its own: signing and building TLS
     * contexts take milliseconds, which no event loop should spend.
     */
    public synchronized void startRotation() {
        if (rotator != null) {
            return;
        }
        rotator = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "loopmesh-ca-rotation");
            t.setDaemon(true);
            return t;
        });
        long every = checkEvery().toMillis();
        rotator.scheduleWithFixedDelay(() -> {
            try {
                rotateDue();
            } catch (RuntimeException ignored) {
                // the next check tries again
            }
        }, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (rotator != null) {
            rotator.shutdownNow();
            rotator = null;
        }
    }

    /** The PeerAuthentication mode a pod's inbound listener enforces now (what auto mTLS checks). */
    MtlsMode serverMode(String pod) {
        ProxySnapshot s = controlPlane == null ? null : controlPlane.snapshot(pod);
        return s == null ? MtlsMode.PERMISSIVE : s.inbound().security().mtls().mode();
    }

    /** Told of each connection a proxy's inbound refused; a listener that throws cannot stop the refusal. */
    @FunctionalInterface
    public interface RefusalListener {
        void refused(String proxy, String why);
    }

    public void addRefusalListener(RefusalListener l) {
        refusalListeners.add(requireNonNull(l, "listener"));
    }

    void refused(String proxy, String why) {
        refusals.merge(proxy, 1, Integer::sum);
        refusalLog.add(proxy + ": " + why);
        while (refusalLog.size() > 200) {
            refusalLog.remove(0);
        }
        for (RefusalListener l : refusalListeners) {
            try {
                l.refused(proxy, why);
            } catch (RuntimeException ignored) {
                // telemetry cannot break the listener that refused
            }
        }
    }

    /** Connections refused by each proxy's inbound mTLS (STRICT plaintext, failed handshakes). */
    public Map<String, Integer> refusals() {
        return Map.copyOf(refusals);
    }

    public List<String> refusalLog() {
        return List.copyOf(refusalLog);
    }

    public TimeScale timeScale() {
        return timeScale;
    }
}
