package dev.loopmesh.security;

import dev.loopmesh.ca.CertificateAuthority;
import dev.loopmesh.ca.WorkloadCertificate;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import dev.loopmesh.policy.authn.MtlsMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class MeshTlsTest {
    static final MultiThreadIoEventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    static final String PRODUCTPAGE = "spiffe://cluster.local/ns/default/sa/bookinfo-productpage";
    static final String REVIEWS = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";

    final CertificateAuthority ca = CertificateAuthority.generate("cluster.local", Clock.systemUTC());

    @AfterAll
    static void stop() {
        GROUP.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void onLinuxX64TheMeshTalksTlsThroughBoringSsl() {
        // the native library ships for this platform only; elsewhere the JDK's TLS serves (same contexts)
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").matches("amd64|x86_64") && System.getProperty("loopmesh.tls") == null);
        assertThat(MeshTls.providerName()).isEqualTo("BoringSSL");
    }

    /** A server that answers each line with "peer=<spiffe id of the caller>". */
    Channel server(MeshTls tls, MtlsMode mode) {
        return new ServerBootstrap().group(GROUP).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("mtls", new InboundTls(tls, () -> mode, why -> { }))
                                .addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                        String peer = MeshTls.peerId(ctx.channel());
                                        ctx.writeAndFlush(Unpooled.copiedBuffer("peer=" + peer, StandardCharsets.UTF_8));
                                    }
                                });
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    record Reply(String body, String serverId, SslHandler ssl) {
    }

    /** Connects (with TLS when {@code tls} is not null), sends one line, returns the answer; null when reset. */
    Reply call(Channel server, MeshTls tls, boolean cert) throws Exception {
        return call(server, tls, cert, MeshTls.Alpn.HTTP1);
    }

    Reply call(Channel server, MeshTls tls, boolean cert, MeshTls.Alpn alpn) throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        AtomicReference<SslHandler> ssl = new AtomicReference<>();
        InetSocketAddress at = (InetSocketAddress) server.localAddress();
        Channel ch = new Bootstrap().group(GROUP).channel(NioSocketChannel.class).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                if (tls != null) {
                    ssl.set(tls.clientHandler(c.alloc(), at.getHostString(), at.getPort(), cert, alpn));
                    c.pipeline().addLast(ssl.get());
                }
                c.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                        answer.complete(msg.toString(StandardCharsets.UTF_8));
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        answer.complete(null);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                });
            }
        }).connect(at).syncUninterruptibly().channel();
        ch.writeAndFlush(Unpooled.copiedBuffer("hello\n", StandardCharsets.UTF_8));
        String body = answer.get(10, TimeUnit.SECONDS);
        String serverId = ssl.get() != null && ssl.get().handshakeFuture().isSuccess() ? MeshTls.peerId(ssl.get().engine().getSession()) : "";
        ch.close().syncUninterruptibly();
        return new Reply(body, serverId, ssl.get());
    }

    MeshTls tls(String id) {
        WorkloadCertificate c = ca.issue(id, Duration.ofHours(1));
        return new MeshTls(ca.root(), "cluster.local", Clock.systemUTC(), c);
    }

    @Test
    void mutualTlsOverLoopbackGivesEachSideThePeersSpiffeId() throws Exception {
        // Istio mTLS: TLS 1.3, identity from the URI SAN, not from the address (127.0.0.1 is in no SAN)
        Channel s = server(tls(REVIEWS), MtlsMode.STRICT);
        try {
            Reply r = call(s, tls(PRODUCTPAGE), true);
            assertThat(r.body()).isEqualTo("peer=" + PRODUCTPAGE);
            assertThat(r.serverId()).isEqualTo(REVIEWS);
            assertThat(r.ssl().engine().getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(r.ssl().applicationProtocol()).isEqualTo("http/1.1");
        } finally {
            s.close().syncUninterruptibly();
        }
    }

    @Test
    void theClientOffersAlpnByWhatItsConnectionSpeaksAndTheServerTakesH2WhenOffered() throws Exception {
        // Envoy sets an upstream's ALPN from the cluster's protocol: h2 (then http/1.1) for HTTP/2 and gRPC clusters
        Channel s = server(tls(REVIEWS), MtlsMode.STRICT);
        try {
            assertThat(MeshTls.Alpn.H2.protocols()).containsExactly("h2", "http/1.1");
            assertThat(call(s, tls(PRODUCTPAGE), true, MeshTls.Alpn.H2).ssl().applicationProtocol()).isEqualTo("h2");
            assertThat(call(s, tls(PRODUCTPAGE), true, MeshTls.Alpn.HTTP1).ssl().applicationProtocol()).isEqualTo("http/1.1");
            Reply tcp = call(s, tls(PRODUCTPAGE), true, MeshTls.Alpn.NONE);
            assertThat(tcp.body()).isEqualTo("peer=" + PRODUCTPAGE);
            assertThat(tcp.ssl().applicationProtocol()).isNull();
        } finally {
            s.close().syncUninterruptibly();
        }
    }

    @Test
    void strictResetsPlaintextWhilePermissiveAcceptsBothOnOnePort() throws Exception {
        // PeerAuthentication: STRICT "connection is an mTLS tunnel"; PERMISSIVE "can be either plaintext or mTLS tunnel"
        Channel strict = server(tls(REVIEWS), MtlsMode.STRICT);
        Channel permissive = server(tls(REVIEWS), MtlsMode.PERMISSIVE);
        try {
            assertThat(call(strict, null, false).body()).isNull();
            assertThat(call(permissive, null, false).body()).isEqualTo("peer=");
            assertThat(call(permissive, tls(PRODUCTPAGE), true).body()).isEqualTo("peer=" + PRODUCTPAGE);
        } finally {
            strict.close().syncUninterruptibly();
            permissive.close().syncUninterruptibly();
        }
    }

    @Test
    void aClientWithoutACertificateOrFromAnotherRootIsRefused() throws Exception {
        Channel s = server(tls(REVIEWS), MtlsMode.PERMISSIVE);
        try {
            assertThat(call(s, tls(PRODUCTPAGE), false).body()).isNull();
            CertificateAuthority other = CertificateAuthority.generate("cluster.local", Clock.systemUTC());
            MeshTls stranger = new MeshTls(other.root(), "cluster.local", Clock.systemUTC(), other.issue(PRODUCTPAGE, Duration.ofHours(1)));
            assertThat(call(s, stranger, true).body()).isNull();
        } finally {
            s.close().syncUninterruptibly();
        }
    }

    @Test
    void rotationChangesTheCertificateOfNewHandshakesOnly() throws Exception {
        MeshTls server = tls(REVIEWS);
        Channel s = server(server, MtlsMode.STRICT);
        MeshTls client = tls(PRODUCTPAGE);
        try {
            Reply before = call(s, client, true);
            java.math.BigInteger firstSerial = ((java.security.cert.X509Certificate) before.ssl().engine().getSession()
                    .getPeerCertificates()[0]).getSerialNumber();
            server.update(ca.issue(REVIEWS, Duration.ofHours(1)));
            Reply after = call(s, client, true);
            java.math.BigInteger secondSerial = ((java.security.cert.X509Certificate) after.ssl().engine().getSession()
                    .getPeerCertificates()[0]).getSerialNumber();
            assertThat(after.body()).isEqualTo("peer=" + PRODUCTPAGE);
            assertThat(secondSerial).isNotEqualTo(firstSerial).isEqualTo(server.certificate().leaf().getSerialNumber());
        } finally {
            s.close().syncUninterruptibly();
        }
    }
}
