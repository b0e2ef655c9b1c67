package dev.loopmesh.security;

import dev.loopmesh.ca.ChainValidator;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Peer chains already validated against a mesh root. Everything PKIX checks but the dates (signatures,
 * basic constraints, key usage) is fixed by the certificates' bytes, so a chain that validated once is
 * valid at any time inside all its certificates' validity periods; only the date is checked again. A
 * sidecar meets the same few peer certificates on every connection it opens, and on the JDK's TLS the
 * chain's signature checks were the largest part of a handshake after the handshake's own signatures.
 */
final class ValidatedChains {
    /** Shared by every workload of the JVM: the key holds the root, so meshes with different CAs never mix. */
    static final ValidatedChains SHARED = new ValidatedChains(8192);

    private record Key(X509Certificate root, List<X509Certificate> chain) {
    }

    /** The instants (ms) between which every certificate of a validated chain is valid. */
    private record Window(long notBefore, long notAfter) {
        boolean covers(long at) {
            return at >= notBefore && at <= notAfter;
        }
    }

    private final int capacity;
    private final Map<Key, Window> chains = new ConcurrentHashMap<>();

    ValidatedChains(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Validates {@code chain} (leaf first) against {@code root} at {@code at}, reusing an earlier positive result.
     *
     * @throws GeneralSecurityException with PKIX's reason when the chain is not valid at {@code at}
     */
    void validate(List<X509Certificate> chain, X509Certificate root, Date at) throws GeneralSecurityException {
        Key key = new Key(root, List.copyOf(chain));
        Window w = chains.get(key);
        if (w != null && w.covers(at.getTime())) {
            return;
        }
        ChainValidator.validate(chain, root, at);
        if (chains.size() >= capacity) {
            chains.clear(); // rotations retire certificates: start over rather than track age
        }
        chains.put(key, window(chain));
    }

    int size() {
        return chains.size();
    }

    private static Window window(List<X509Certificate> chain) {
        long from = Long.MIN_VALUE;
        long to = Long.MAX_VALUE;
        for (X509Certificate c : chain) {
            from = Math.max(from, c.getNotBefore().getTime());
            to = Math.min(to, c.getNotAfter().getTime());
        }
        return new Window(from, to);
    }
}
