package dev.loopmesh.security;

import dev.loopmesh.ca.SpiffeId;
import dev.loopmesh.ca.WorkloadCertificate;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.AttributeKey;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * One workload's TLS: server and client contexts built from its current certificate (TLS 1.3, JDK
 * provider, ALPN h2 and http/1.1, peers verified by chain and SPIFFE SAN, not by host name). A
 * rotation swaps the contexts atomically: new handshakes use the new certificate, connections that
 * exist keep their engine and session, so nothing is dropped.
 */
public final class MeshTls {
    /** The peer's SPIFFE id on a channel whose TLS handshake succeeded (set on the connection, not on h2 streams). */
    public static final AttributeKey<String> PEER_ID = AttributeKey.valueOf("loopmesh.peer-spiffe-id");
    static final String TLS13 = "TLSv1.3";

    private static final class Contexts {
        final WorkloadCertificate certificate;
        final SslContext server;
        final SslContext client;
        private final SpiffeTrustManager tm;
        private volatile SslContext clientNoCert;

        Contexts(WorkloadCertificate certificate, SslContext server, SslContext client, SpiffeTrustManager tm) {
            this.certificate = certificate;
            this.server = server;
            this.client = client;
            this.tm = tm;
        }

        /** Only DestinationRule SIMPLE needs it: built on first use. */
        SslContext clientNoCert() {
            SslContext c = clientNoCert;
            if (c == null) {
                try {
                    c = clientBuilder(tm).build();
                } catch (SSLException e) {
                    throw new IllegalStateException(e);
                }
                clientNoCert = c;
            }
            return c;
        }
    }

    private final X509Certificate root;
    private final String trustDomain;
    private final Clock clock;
    private final AtomicReference<Contexts> contexts = new AtomicReference<>();

    public MeshTls(X509Certificate root, String trustDomain, Clock clock, WorkloadCertificate initial) {
        this.root = requireNonNull(root, "root");
        this.trustDomain = requireNonNull(trustDomain, "trustDomain");
        this.clock = requireNonNull(clock, "clock");
        update(initial);
    }

    /** Swaps in a new certificate: handshakes from now on present it. */
    public void update(WorkloadCertificate certificate) {
        requireNonNull(certificate, "certificate");
        try {
            SpiffeTrustManager tm = new SpiffeTrustManager(root, trustDomain, clock);
            SslContext server = SslContextBuilder.forServer(certificate.key(), certificate.chain())
                    .sslProvider(SslProvider.JDK)
                    .protocols(TLS13)
                    .clientAuth(ClientAuth.REQUIRE)
                    .trustManager(tm)
                    .sessionCacheSize(4096)
                    .sessionTimeout(3600)
                    .applicationProtocolConfig(alpn(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                    .build();
            SslContext client = clientBuilder(tm).keyManager(certificate.key(), certificate.chain()).build();
            contexts.set(new Contexts(certificate, server, client, tm));
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build TLS contexts for " + certificate.spiffeId() + ": " + e.getMessage(), e);
        }
    }

    private static SslContextBuilder clientBuilder(SpiffeTrustManager tm) {
        // identity is the SPIFFE SAN, checked after the handshake: no host name verification (STACK.md pitfall 3)
        return SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols(TLS13)
                .trustManager(tm)
                .endpointIdentificationAlgorithm(null)
                .sessionCacheSize(4096)
                .sessionTimeout(3600)
                // the upstream pool speaks HTTP/1.1: offer only what it speaks
                .applicationProtocolConfig(alpn(ApplicationProtocolNames.HTTP_1_1));
    }

    private static ApplicationProtocolConfig alpn(String... protocols) {
        return new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocols);
    }

    public WorkloadCertificate certificate() {
        return contexts.get().certificate;
    }

    public String spiffeId() {
        return contexts.get().certificate.spiffeId();
    }

    /** A server handler with the current certificate. */
    public SslHandler serverHandler(ByteBufAllocator alloc) {
        return contexts.get().server.newHandler(alloc);
    }

    /**
     * A client handler with the current certificate ({@code presentCertificate} false for DestinationRule
     * SIMPLE). The peer's host and port key the session cache, so a reconnect resumes the session.
     */
    public SslHandler clientHandler(ByteBufAllocator alloc, String peerHost, int peerPort, boolean presentCertificate) {
        Contexts c = contexts.get();
        return (presentCertificate ? c.client : c.clientNoCert()).newHandler(alloc, peerHost, peerPort);
    }

    /** The SPIFFE id the peer presented in this session, or "" when none. */
    public static String peerId(SSLSession session) {
        try {
            Certificate[] certs = session.getPeerCertificates();
            if (certs.length > 0 && certs[0] instanceof X509Certificate) {
                return SpiffeId.fromCertificate((X509Certificate) certs[0]).orElse("");
            }
        } catch (SSLPeerUnverifiedException e) {
            return "";
        }
        return "";
    }

    /** The peer SPIFFE id recorded on a connection (or the connection of an HTTP/2 stream), "" for plaintext. */
    public static String peerId(Channel ch) {
        Channel c = ch;
        while (c != null) {
            String id = c.attr(PEER_ID).get();
            if (id != null) {
                return id;
            }
            c = c.parent();
        }
        return "";
    }
}
