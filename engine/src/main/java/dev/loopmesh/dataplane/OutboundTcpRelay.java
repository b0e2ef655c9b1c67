package dev.loopmesh.dataplane;

import dev.loopmesh.chaos.Direction;
import dev.loopmesh.chaos.LinkFault;
import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.policy.resilience.ConnectionPoolSettings;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.policy.routing.RequestView;
import dev.loopmesh.policy.routing.TcpRoute;
import dev.loopmesh.telemetry.metrics.TcpConnection;
import dev.loopmesh.telemetry.metrics.TcpLabels;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A sidecar's outbound listener for one TCP service (Envoy's tcp_proxy on Istio's {@code 0.0.0.0_<port>}
 * listener): each connection its app opens takes the snapshot's TCP route for the service, one weighted
 * cluster and one endpoint by the cluster's load balancer, then bytes are relayed both ways with explicit
 * backpressure. The cluster's {@code maxConnections} is enforced (overflow closes the connection, UO); a
 * failed connect closes it (UF) and counts as a local-origin failure for outlier detection. Counted in
 * Istio's istio_tcp_* metrics, reported by the source. Chaos on the link to the endpoint acts on the relayed
 * bytes per direction ({@link TcpLinkChaos}); a partition fails the connect (UF), a reset ends the connection
 * after the app's first bytes went upstream.
 */
final class OutboundTcpRelay extends ChannelInboundHandlerAdapter {
    private final Proxy proxy;
    private final String service;
    private Channel upstream;
    private ClusterRuntime cluster;
    private boolean counted;
    private TcpConnection metrics;
    /** Chaos on the link to the chosen endpoint; null when none acts on it. */
    private TcpLinkChaos chaos;
    private TcpLinkChaos.Lane requests;
    private TcpLinkChaos.Lane responses;
    private boolean resetPending;

    private OutboundTcpRelay(Proxy proxy, String service) {
        this.proxy = proxy;
        this.service = service;
    }

    /** The pipeline of a connection accepted on the outbound listener for {@code service}. */
    static void install(Proxy proxy, Channel ch, String service) {
        ch.pipeline()
                .addLast("idle", new IdleStateHandler(0, 0, 3600, TimeUnit.SECONDS) {
                    @Override
                    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
                        ctx.close();
                    }
                })
                .addLast("tcp-outbound", new OutboundTcpRelay(proxy, service));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel down = ctx.channel();
        down.config().setAutoRead(false);
        ProxySnapshot snapshot = proxy.snapshot();
        TcpRoute route = snapshot.tcpRoutes().get(service);
        if (route == null) {
            refuse(down, null, "NR"); // no filter chain for this service on this proxy (a Sidecar hides it)
            return;
        }
        TcpRoute.Destination d = route.pick(proxy.random());
        ClusterRuntime c = proxy.cluster(d.cluster());
        if (c == null) {
            refuse(down, d, "NC");
            return;
        }
        ConnectionPoolSettings limits = c.config().connectionPool();
        if (c.connections.incrementAndGet() > limits.maxConnections()) {
            c.connections.decrementAndGet();
            refuse(down, d, "UO");
            return;
        }
        cluster = c;
        counted = true;
        InetSocketAddress from = (InetSocketAddress) down.remoteAddress();
        RequestView view = new RequestView("", "tcp", service, "", d.port(), Map.of(),
                from == null ? "" : from.getAddress().getHostAddress());
        Endpoint e = c.pick(proxy.random(), List.of(), view);
        if (e == null) {
            refuse(down, d, "UH");
            return;
        }
        LinkFault link = proxy.linkFault(e);
        if (!link.isNone()) {
            chaos = new TcpLinkChaos(link, proxy.random());
            if (chaos.blackhole()) {
                // a partition drops the SYN: the connect attempt fails on the cluster's (scaled) connect timeout
                down.eventLoop().schedule(() -> {
                    if (down.isActive()) {
                        c.report(e, 503, true);
                        refuse(down, d, "UF");
                    }
                }, proxy.timeScale().scaleNanos(limits.connectTimeout()), TimeUnit.NANOSECONDS);
                return;
            }
        }
        dev.loopmesh.security.ProxySecurity sec = proxy.security();
        dev.loopmesh.policy.authn.TlsOrigination.Kind tls = sec == null ? dev.loopmesh.policy.authn.TlsOrigination.Kind.PLAINTEXT
                : sec.origination(c.config().tlsMode(), e);
        connect(down, e, limits, tls).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                c.report(e, 503, true);
                refuse(down, d, "UF");
                return;
            }
            Channel up = f.channel();
            io.netty.handler.ssl.SslHandler ssl = up.pipeline().get(io.netty.handler.ssl.SslHandler.class);
            if (ssl == null) {
                relay(down, up, c, d, e);
                return;
            }
            // auto mTLS, as for HTTP: the server's SPIFFE identity is checked before a byte is relayed;
            // the handshake needs reads while auto-read is off, SslHandler asks for them itself
            up.read();
            sec.verified(up, ssl, e).addListener(v -> {
                if (v.isSuccess()) {
                    relay(down, up, c, d, e);
                } else {
                    c.report(e, 503, true);
                    up.close();
                    refuse(down, d, "UF");
                }
            });
        });
    }

    private void relay(Channel down, Channel up, ClusterRuntime c, TcpRoute.Destination d, Endpoint e) {
        c.report(e, 200, false);
        upstream = up;
        String peer = dev.loopmesh.security.MeshTls.peerId(up);
        String self = peer.isEmpty() || proxy.security() == null ? "" : proxy.security().spiffeId();
        metrics = proxy.telemetry().metrics().tcpOpened(new TcpLabels("source", proxy.identity().workload(), proxy.identity().namespace(),
                self, e.workload(), e.namespace(), peer, e.labels().getOrDefault("version", "unknown"), d.host(), "", !peer.isEmpty()));
        if (!down.isActive()) {
            metrics.closed(); // the app left while we connected
            upstream.close();
            return;
        }
        if (chaos != null) {
            requests = chaos.lane(Direction.REQUEST, down, up);
            responses = chaos.lane(Direction.RESPONSE, up, down);
            resetPending = chaos.resetNow();
        }
        down.read();
        upstream.read();
    }

    /**
     * The upstream connection, on the downstream connection's event loop, reading only when asked; mTLS
     * (no ALPN) toward an endpoint with a sidecar unless a DestinationRule says otherwise, as auto mTLS does.
     */
    private ChannelFuture connect(Channel down, Endpoint e, ConnectionPoolSettings limits, dev.loopmesh.policy.authn.TlsOrigination.Kind tls) {
        long connectMillis = Math.max(1, limits.connectTimeout().toMillis());
        dev.loopmesh.security.ProxySecurity sec = proxy.security();
        return proxy.eventLoops().connect(new Bootstrap()
                .group(down.eventLoop())
                .channel(proxy.eventLoops().socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectMillis))
                .handler(new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        io.netty.handler.ssl.SslHandler ssl = sec == null ? null
                                : sec.originate(ch, tls, e, dev.loopmesh.security.MeshTls.Alpn.NONE);
                        if (ssl != null) {
                            ch.pipeline().addLast("tls", ssl);
                        }
                        ch.pipeline().addLast("relay", new Back(down));
                    }
                }), new InetSocketAddress(e.address(), e.port()));
    }

    private TcpConnection opened(TcpRoute.Destination d, Endpoint e, String flags) {
        ProxyIdentity id = proxy.identity();
        return proxy.telemetry().metrics().tcpOpened(new TcpLabels("source", id.workload(), id.namespace(), "",
                e == null ? "unknown" : e.workload(), e == null ? "unknown" : e.namespace(), "",
                e == null ? "unknown" : e.labels().getOrDefault("version", "unknown"),
                d == null ? service.substring(0, service.lastIndexOf(':')) : d.host(), flags, false));
    }

    /** Ends the connection without an upstream, as Envoy's tcp_proxy does, counted with its response flag. */
    private void refuse(Channel down, TcpRoute.Destination d, String flag) {
        opened(d, null, flag).closed();
        down.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel up = upstream;
        if (up == null || !up.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf) {
            metrics.received(((ByteBuf) msg).readableBytes());
        }
        if (resetPending) {
            // like the HTTP hop: the request goes out, then the connection is reset
            resetPending = false;
            Channel down = ctx.channel();
            up.writeAndFlush(msg).addListener(f -> TcpLinkChaos.reset(down, up));
            return;
        }
        if (requests != null) {
            requests.offer(msg);
            return;
        }
        up.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                ctx.channel().read();
            } else {
                f.channel().close();
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (metrics != null) {
            metrics.closed();
        }
        if (requests != null) {
            // the app's last bytes still cross the link, delayed as the others, before the close does
            responses.discard();
            Channel up = upstream;
            requests.finish(() -> TcpRelay.closeOnFlush(up));
        } else {
            TcpRelay.closeOnFlush(upstream);
        }
        if (upstream == null) {
            release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        TcpRelay.closeOnFlush(ctx.channel());
    }

    /** The connection stops counting against the cluster's limit, once. */
    private void release() {
        if (counted) {
            counted = false;
            cluster.connections.decrementAndGet();
        }
    }

    /** The endpoint's side: its bytes go back to the app. */
    private final class Back extends ChannelInboundHandlerAdapter {
        private final Channel down;

        Back(Channel down) {
            this.down = down;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf && metrics != null) {
                metrics.sent(((ByteBuf) msg).readableBytes());
            }
            if (responses != null) {
                responses.offer(msg);
                return;
            }
            down.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    ctx.channel().read();
                } else {
                    f.channel().close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            release();
            if (responses != null) {
                requests.discard();
                responses.finish(() -> TcpRelay.closeOnFlush(down));
            } else {
                TcpRelay.closeOnFlush(down);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            TcpRelay.closeOnFlush(ctx.channel());
        }
    }
}
