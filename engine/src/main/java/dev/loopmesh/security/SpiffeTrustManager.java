package dev.loopmesh.security;

import dev.loopmesh.ca.SpiffeId;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Date;

import static java.util.Objects.requireNonNull;

/**
 * Trusts a peer when its chain leads to the mesh root and its leaf carries one SPIFFE URI SAN in the
 * mesh's trust domain. The address and host name play no part (what a mesh identity means), so this
 * is an extended trust manager: the JDK then leaves endpoint identification to it, and it does none.
 */
final class SpiffeTrustManager extends X509ExtendedTrustManager {
    private final X509Certificate root;
    private final String trustDomain;
    private final Clock clock;

    SpiffeTrustManager(X509Certificate root, String trustDomain, Clock clock) {
        this.root = requireNonNull(root, "root");
        this.trustDomain = requireNonNull(trustDomain, "trustDomain");
        this.clock = requireNonNull(clock, "clock");
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("peer sent no certificate");
        }
        try {
            ValidatedChains.SHARED.validate(Arrays.asList(chain), root, Date.from(clock.instant()));
        } catch (GeneralSecurityException e) {
            throw new CertificateException("peer certificate does not chain to the mesh root: " + e.getMessage(), e);
        }
        String id = SpiffeId.fromCertificate(chain[0])
                .orElseThrow(() -> new CertificateException("peer certificate has no SPIFFE URI SAN"));
        if (!SpiffeId.trustDomain(id).equals(trustDomain)) {
            throw new CertificateException("peer " + id + " is not in trust domain " + trustDomain);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[] {root};
    }
}
