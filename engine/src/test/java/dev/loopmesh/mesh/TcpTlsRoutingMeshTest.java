package dev.loopmesh.mesh;

import dev.loopmesh.ca.CertificateAuthority;
import dev.loopmesh.ca.WorkloadCertificate;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.telemetry.RequestRecord;
import dev.loopmesh.testing.OfflineRoute;
import dev.loopmesh.testing.TcpClient;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static dev.loopmesh.testing.TcpTopologies.BY_SNI;
import static dev.loopmesh.testing.TcpTopologies.DB;
import static dev.loopmesh.testing.TcpTopologies.MESH;
import static dev.loopmesh.testing.TcpTopologies.dbVirtualService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * VirtualService {@code tls} routes (TLS passed through unterminated, routed by the ClientHello's SNI),
 * {@code destinationSubnets}/{@code sourceSubnet} and ServiceEntry TCP/TLS ports, over real sockets.
 */
class TcpTlsRoutingMeshTest {
    private MeshFixture f;
    private EventLoopGroup servers;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
        if (servers != null) {
            servers.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private PodInfo pod(String name) {
        return f.mesh.registry().pod(name).orElseThrow();
    }

    @Test
    void aTlsConnectionIsRoutedByItsSniAndOthersTakeTheTcpRule() {
        // Istio TLSRoute sniHosts: "SNI (server name indicator) to match on"; the sidecar reads it, it does not terminate TLS
        f = MeshFixture.start(MESH + BY_SNI);
        PodInfo tools = pod("tools-v1-0");
        int port = tools.tcpOutbound().get(DB);
        byte[] hello = TcpClient.clientHello("v2.db.example.com");
        for (int i = 0; i < 4; i++) {
            assertThat(TcpClient.exchange(tools.address(), port, null, hello)).isEqualTo("db-v2-0");
            assertThat(TcpClient.exchange(tools.address(), port, null, TcpClient.clientHello("v1.db.example.com"))).startsWith("db-v1-");
            assertThat(TcpClient.exchange(tools.address(), port, "plain")).startsWith("db-v1-");
        }
        RequestRecord r = f.awaitAccessLog("tools-v1-0", x -> x.isTcp() && x.requestedServerName().equals("v2.db.example.com"));
        assertThat(r.routeName()).isEqualTo("default/db tls[0]");
        assertThat(r.upstreamCluster()).isEqualTo("outbound|5432|v2|db.default.svc.cluster.local");
        assertThat(r.requestBytes()).isEqualTo(hello.length); // every byte of the ClientHello went on, untouched
    }

    @Test
    void destinationSubnetsMatchTheAddressTheAppDialedAndSourceSubnetTheOneItDialedFrom() {
        // Istio L4MatchAttributes destinationSubnets / sourceSubnet, as Envoy's filter_chain_match prefix_ranges and
        // source_prefix_ranges; on loopback the app dials its own pod's address
        f = MeshFixture.start(MESH);
        PodInfo tools = pod("tools-v1-0");
        PodInfo web = pod("web-v1-0");
        assertThat(f.apply(dbVirtualService("""
                tcp:
                - match: [{destinationSubnets: [%s/32]}, {sourceSubnet: 127.99.0.0/16}]
                  route: [{destination: {host: db, subset: v2}}]
                - route: [{destination: {host: db, subset: v1}}]
                """.formatted(tools.address())).replace("---\n", "")).allAccepted()).isTrue();
        for (int i = 0; i < 4; i++) {
            assertThat(TcpClient.exchange(tools.address(), tools.tcpOutbound().get(DB), "t")).isEqualTo("db-v2-0");
            assertThat(TcpClient.exchange(web.address(), web.tcpOutbound().get(DB), "w")).startsWith("db-v1-");
            assertThat(TcpClient.exchange(web.address(), web.tcpOutbound().get(DB), "127.99.0.1", "s\n".getBytes(StandardCharsets.US_ASCII)))
                    .isEqualTo("db-v2-0");
        }
    }

    @Test
    void aTlsServiceEntryIsReachedThroughTheSidecarWithTheHandshakeEndToEnd() throws Exception {
        // Istio ServiceEntry port protocol TLS: the sidecar's listener passes TLS through; the app's handshake is with the server
        CertificateAuthority ca = CertificateAuthority.generate("partners.example.com", Clock.systemUTC());
        WorkloadCertificate cert = ca.issue("spiffe://partners.example.com/ledger", Duration.ofHours(1));
        int serverPort = tlsServer(cert);
        String yaml = MESH + """
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: partners}
                spec:
                  hosts: [partners.example.com]
                  ports: [{number: 9443, name: tls, protocol: TLS}]
                  resolution: STATIC
                  location: MESH_EXTERNAL
                  endpoints: [{address: 127.0.0.1, ports: {tls: %d}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: elsewhere}
                spec:
                  hosts: [elsewhere.example.com]
                  ports: [{number: 9444, name: tls, protocol: TLS}]
                  resolution: STATIC
                  endpoints: [{address: 192.0.2.10}]
                """.formatted(serverPort);
        f = MeshFixture.start(yaml);
        PodInfo tools = pod("tools-v1-0");
        Integer listener = tools.tcpOutbound().get("partners.example.com:9443");
        assertThat(listener).isEqualTo(9443);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trusting(ca.root()), null);
        try (Socket plain = new Socket(tools.address(), listener);
             SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, "partners.example.com", listener, true)) {
            s.setSoTimeout(10_000);
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName("partners.example.com")));
            s.setSSLParameters(p);
            s.startHandshake(); // only the real server holds the key of the certificate the CA issued
            assertThat(((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber()).isEqualTo(cert.leaf().getSerialNumber());
            assertThat(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine())
                    .isEqualTo("ledger saw sni partners.example.com");
        }
        RequestRecord r = f.awaitAccessLog("tools-v1-0", x -> x.isTcp() && x.upstreamCluster().equals("outbound|9443||partners.example.com"));
        assertThat(r.upstreamHost()).isEqualTo("127.0.0.1:" + serverPort);
        assertThat(r.destinationService()).isEqualTo("partners.example.com");
        assertThat(OfflineRoute.run(yaml, "--from", "tools-v1", "--output", "json", "tls://partners.example.com:9443").out())
                .contains("\"listener\":\"partners.example.com:9443\"", "\"endpoints\":[\"127.0.0.1:" + serverPort + "\"]");
        // an endpoint off loopback is never dialed: the connection ends as a connect failure
        int elsewhere = tools.tcpOutbound().get("elsewhere.example.com:9444");
        assertThat(TcpClient.exchange(tools.address(), elsewhere, "x")).isEqualTo("(closed)");
        RequestRecord uf = f.awaitAccessLog("tools-v1-0", x -> x.isTcp() && x.responseFlags().equals("UF"));
        assertThat(uf.upstreamHost()).isEqualTo("192.0.2.10:9444");
        assertThat(uf.trace()).anySatisfy(t -> assertThat(t).contains("not on loopback"));
    }

    @Test
    void aTcpServiceEntryWithALoopbackAddressAndResolutionNoneGoesToThatAddress() {
        // Istio resolution NONE: the connection goes to the address the caller was going to, here the entry's address
        int port = plainServer("127.0.0.77");
        String yaml = MESH + "---\n" + ledgerEntry(port);
        f = MeshFixture.start(yaml);
        PodInfo web = pod("web-v1-0");
        assertThat(TcpClient.exchange(web.address(), web.tcpOutbound().get("ledger.internal:" + port), "hi")).isEqualTo("ledger");
        // loopmesh route agrees: the entry's listener, with the entry's own address as its one endpoint
        OfflineRoute.Run offline = OfflineRoute.run(yaml, "--from", "web-v1", "--output", "json", "tcp://ledger.internal:" + port);
        assertThat(offline.out()).contains("\"listener\":\"ledger.internal:" + port + "\"", "\"endpoints\":[\"127.0.0.77:" + port + "\"]");
        f.awaitMetrics("istio_tcp_connections_opened_total\\{[^}]*destination_service=\"ledger.internal\"[^}]*source_workload=\"web-v1\"");
    }

    @Test
    void aTcpServiceEntryAppliedToARunningMeshGetsItsListenersWithThePush() {
        // istiod pushes the listener of a new ServiceEntry port to every sidecar that sees it; no restart
        int port = plainServer("127.0.0.77");
        f = MeshFixture.start(MESH);
        String key = "ledger.internal:" + port;
        assertThat(f.mesh.proxy("web-v1-0").orElseThrow().tcpListeners()).doesNotContainKey(key);
        assertThat(f.apply(ledgerEntry(port)).allAccepted()).isTrue();
        java.net.InetSocketAddress listener = f.mesh.proxy("web-v1-0").orElseThrow().tcpListeners().get(key);
        assertThat(listener).as("the sidecar listens once apply returns").isNotNull();
        assertThat(listener.getHostString()).isEqualTo(pod("web-v1-0").address());
        assertThat(TcpClient.exchange(listener.getHostString(), listener.getPort(), "hi")).isEqualTo("ledger");
        // and deleting the entry takes its listener away again
        assertThat(f.mesh.delete(f.mesh.parseResources(ledgerEntry(port))).allAccepted())
                .isTrue();
        assertThat(f.mesh.proxy("web-v1-0").orElseThrow().tcpListeners()).doesNotContainKey(key);
        assertThatThrownBy(() -> new java.net.Socket(listener.getHostString(), listener.getPort()).close())
                .isInstanceOf(java.net.ConnectException.class);
        f.awaitMetrics("istio_tcp_connections_opened_total\\{[^}]*destination_service=\"ledger.internal\"[^}]*source_workload=\"web-v1\"");
    }

    /** A TCP ServiceEntry, resolution NONE, for ledger.internal at 127.0.0.77:{@code port}. */
    private static String ledgerEntry(int port) {
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: ledger}
                spec:
                  hosts: [ledger.internal]
                  addresses: [127.0.0.77]
                  ports: [{number: %d, name: tcp, protocol: TCP}]
                  resolution: NONE
                  location: MESH_INTERNAL
                """.formatted(port);
    }

    private static TrustManagerFactory trustFactory(X509Certificate root) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("root", root);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf;
    }

    private static javax.net.ssl.TrustManager[] trusting(X509Certificate root) throws Exception {
        return trustFactory(root).getTrustManagers();
    }

    /** A TLS server on 127.0.0.1 that answers the handshake with the SNI it saw; its port. */
    private int tlsServer(WorkloadCertificate cert) throws Exception {
        SslContext ctx = SslContextBuilder.forServer(cert.key(), cert.chain().toArray(new X509Certificate[0])).build();
        return serve("127.0.0.1", new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(ctx.newHandler(ch.alloc())).addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext c, Object evt) {
                        if (evt instanceof SslHandshakeCompletionEvent && ((SslHandshakeCompletionEvent) evt).isSuccess()) {
                            ExtendedSSLSession session = (ExtendedSSLSession) c.pipeline().get(SslHandler.class).engine().getSession();
                            String sni = session.getRequestedServerNames().isEmpty() ? "none"
                                    : ((SNIHostName) session.getRequestedServerNames().get(0)).getAsciiName();
                            c.writeAndFlush(ByteBufUtil.writeAscii(c.alloc(), "ledger saw sni " + sni + "\n"))
                                    .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                        }
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext c, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }
                });
            }
        });
    }

    /** A plain TCP server on {@code address} that answers each read with "ledger …"; its port. */
    private int plainServer(String address) {
        return serve(address, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext c, Object msg) {
                        ReferenceCountUtil.release(msg);
                        c.writeAndFlush(ByteBufUtil.writeAscii(c.alloc(), "ledger answered\n"));
                    }
                });
            }
        });
    }

    private int serve(String address, ChannelInitializer<Channel> init) {
        if (servers == null) {
            servers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        }
        Channel ch = new ServerBootstrap().group(servers).channel(NioServerSocketChannel.class).childHandler(init)
                .bind(address, 0).syncUninterruptibly().channel();
        return ((java.net.InetSocketAddress) ch.localAddress()).getPort();
    }
}
