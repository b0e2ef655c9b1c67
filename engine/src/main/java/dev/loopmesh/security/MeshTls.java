package dev.loopmesh.security;

import dev.loopmesh.ca.SpiffeId;
import dev.loopmesh.ca.WorkloadCertificate;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * One workload's TLS: server and client contexts built from its current certificate (TLS 1.3, BoringSSL
 * where its native library loads, else the JDK's TLS, see {@link #PROVIDER}; the server accepts ALPN h2
 * and http/1.1, a client offers what its connection speaks, see
 * {@link Alpn}; peers verified by chain and SPIFFE SAN, not by host name). A
 * rotation swaps the contexts atomically: new handshakes use the new certificate, connections that
 * exist keep their engine and session, so nothing is dropped.
 */
public final class MeshTls {
    /** The peer's SPIFFE id on a channel whose TLS handshake succeeded (set on the connection, not on h2 streams). */
    public static final AttributeKey<String> PEER_ID = AttributeKey.valueOf("loopmesh.peer-spiffe-id");
    /** One line for request timelines on a TLS connection: who, which TLS version, which ALPN protocol. */
    public static final AttributeKey<String> SUMMARY = AttributeKey.valueOf("loopmesh.tls-summary");
    static final String TLS13 = "TLSv1.3";
    /**
     * BoringSSL (netty-tcnative) where its native library loads with TLS 1.3 and ALPN, as Envoy uses;
     * the JDK's TLS otherwise, or when the system property {@code loopmesh.tls} is {@code jdk}. On a 2-core
     * laptop a JDK 17 mTLS handshake (both ends) took 6–14 ms of CPU once compiled and tens before,
     * BoringSSL's a fifth of it from the first one: a mesh of hundreds of sidecars opening its connections at once is the
     * difference between settling in seconds and timing out its first calls.
     */
    public static final SslProvider PROVIDER = provider();
    /** Keys go into the key managers through a JKS store: PKCS12's PBKDF2 costs milliseconds per context. */
    private static final String KEY_STORE = "JKS";

    private static SslProvider provider() {
        if ("jdk".equalsIgnoreCase(System.getProperty("loopmesh.tls", ""))) {
            return SslProvider.JDK;
        }
        try {
            if (OpenSsl.isAvailable() && SslProvider.isTlsv13Supported(SslProvider.OPENSSL) && SslProvider.isAlpnSupported(SslProvider.OPENSSL)) {
                return SslProvider.OPENSSL;
            }
        } catch (LinkageError e) {
            // no usable native library on this platform
        }
        return SslProvider.JDK;
    }

    /** "BoringSSL" or "JDK": what the mesh's TLS runs on, for reports. */
    public static String providerName() {
        return PROVIDER == SslProvider.JDK ? "JDK" : "BoringSSL";
    }

    /**
     * What a client offers in ALPN, by what the upstream connection will speak (Envoy sets a cluster's ALPN
     * from its protocol options): an HTTP/1.1 cluster offers http/1.1, an HTTP/2 or gRPC cluster h2 then
     * http/1.1, a TCP relay nothing (it carries bytes, not HTTP).
     */
    public enum Alpn {
        HTTP1(ApplicationProtocolNames.HTTP_1_1),
        H2(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1),
        NONE;

        private final List<String> protocols;

        Alpn(String... protocols) {
            this.protocols = List.of(protocols);
        }

        public List<String> protocols() {
            return protocols;
        }
    }

    private static final class Contexts {
        final WorkloadCertificate certificate;
        final SslContext server;
        private final SpiffeTrustManager tm;
        /** Client contexts by ALPN offer and whether they present the certificate; built on first use. */
        private final Map<String, SslContext> clients = new ConcurrentHashMap<>();

        Contexts(WorkloadCertificate certificate, SslContext server, SpiffeTrustManager tm) {
            this.certificate = certificate;
            this.server = server;
            this.tm = tm;
        }

        SslContext client(Alpn alpn, boolean presentCertificate) {
            return clients.computeIfAbsent(alpn + "|" + presentCertificate, k -> {
                try {
                    SslContextBuilder b = clientBuilder(tm, alpn);
                    if (presentCertificate) {
                        b.keyManager(certificate.key(), certificate.chain());
                    }
                    return b.build();
                } catch (SSLException e) {
                    throw new IllegalStateException("cannot build a TLS client context for " + certificate.spiffeId() + ": " + e.getMessage(), e);
                }
            });
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
                    .sslProvider(PROVIDER)
                    .keyStoreType(KEY_STORE)
                    .protocols(TLS13)
                    .clientAuth(ClientAuth.REQUIRE)
                    .trustManager(tm)
                    .sessionCacheSize(4096)
                    .sessionTimeout(3600)
                    .applicationProtocolConfig(alpn(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                    .build();
            Contexts c = new Contexts(certificate, server, tm);
            // the context every HTTP/1.1 connection uses, built before the swap so no handshake waits for it
            c.client(Alpn.HTTP1, true);
            contexts.set(c);
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build TLS contexts for " + certificate.spiffeId() + ": " + e.getMessage(), e);
        }
    }

    private static SslContextBuilder clientBuilder(SpiffeTrustManager tm, Alpn alpn) {
        // identity is the SPIFFE SAN, checked after the handshake: no host name verification (STACK.md pitfall 3)
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(PROVIDER)
                .keyStoreType(KEY_STORE)
                .protocols(TLS13)
                .trustManager(tm)
                .endpointIdentificationAlgorithm(null)
                .sessionCacheSize(4096)
                .sessionTimeout(3600);
        if (!alpn.protocols().isEmpty()) {
            b.applicationProtocolConfig(alpn(alpn.protocols().toArray(new String[0])));
        }
        return b;
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
     * SIMPLE) offering http/1.1. The peer's host and port key the session cache, so a reconnect resumes the session.
     */
    public SslHandler clientHandler(ByteBufAllocator alloc, String peerHost, int peerPort, boolean presentCertificate) {
        return clientHandler(alloc, peerHost, peerPort, presentCertificate, Alpn.HTTP1);
    }

    /** A client handler offering {@code alpn}. */
    public SslHandler clientHandler(ByteBufAllocator alloc, String peerHost, int peerPort, boolean presentCertificate, Alpn alpn) {
        return contexts.get().client(alpn, presentCertificate).newHandler(alloc, peerHost, peerPort);
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

    /**
     * Records a finished handshake on its connection: the peer's id and a summary such as
     * {@code mTLS from spiffe://… (TLSv1.3, ALPN h2)}; returns the peer's id.
     */
    public static String recordHandshake(Channel ch, SslHandler ssl, boolean inbound) {
        SSLSession session = ssl.engine().getSession();
        String peer = peerId(session);
        String alpn = ssl.applicationProtocol();
        ch.attr(PEER_ID).set(peer);
        ch.attr(SUMMARY).set((peer.isEmpty() ? "TLS" : "mTLS") + (inbound ? " from " : " to ") + (peer.isEmpty() ? "a peer without certificate" : peer)
                + " (" + session.getProtocol() + ", ALPN " + (alpn == null ? "none" : alpn) + ")");
        return peer;
    }

    /** The summary {@link #recordHandshake} left on a connection (or the connection of an HTTP/2 stream), null for plaintext. */
    public static String summary(Channel ch) {
        Channel c = ch;
        while (c != null) {
            String s = c.attr(SUMMARY).get();
            if (s != null) {
                return s;
            }
            c = c.parent();
        }
        return null;
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
