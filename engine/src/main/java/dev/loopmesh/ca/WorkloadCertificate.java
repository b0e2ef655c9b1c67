package dev.loopmesh.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A workload's key and certificate chain.
 *
 * @param chain the leaf first, then every intermediate up to (not including) the root
 */
public record WorkloadCertificate(String spiffeId, PrivateKey key, List<X509Certificate> chain) {
    public WorkloadCertificate {
        requireNonNull(spiffeId, "spiffeId");
        requireNonNull(key, "key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain: empty (expected: the leaf first)");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notBefore() {
        return leaf().getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    public Duration lifetime() {
        return Duration.between(notBefore(), notAfter());
    }

    public String serial() {
        return leaf().getSerialNumber().toString(16);
    }

    /** When a rotation is due: {@code fraction} of the lifetime after notBefore (Istio rotates at about 80 %). */
    public Instant rotationDue(double fraction) {
        return notBefore().plusMillis((long) (lifetime().toMillis() * fraction));
    }
}
