package dev.loopmesh.dataplane;

import dev.loopmesh.chaos.Direction;
import dev.loopmesh.chaos.LinkFault;
import dev.loopmesh.policy.authn.TlsOrigination;
import dev.loopmesh.policy.resilience.ConnectionPoolSettings;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.policy.routing.RequestView;
import dev.loopmesh.policy.routing.TcpListenerRoutes;
import dev.loopmesh.policy.routing.TcpRoute;
import dev.loopmesh.security.MeshTls;
import dev.loopmesh.security.ProxySecurity;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A sidecar's outbound listener for one TCP service or ServiceEntry port (Envoy's tcp_proxy on Istio's
 * {@code 0.0.0.0_<port>} listener). Each connection its app opens takes the first of the listener's routes
 * whose match holds ({@link TcpListenerRoutes}): by the ClientHello's SNI when a {@code tls} rule asks for it
 * (read by {@link SniPeek} without terminating TLS), by the address the app dialed and dialed from. Then one
 * weighted cluster and one endpoint by the cluster's load balancer, and bytes are relayed both ways with
 * explicit backpressure; bytes read before the upstream is ready wait for it. The cluster's
 * {@code maxConnections} is enforced (overflow closes the connection, UO); no route closes it (NR); a failed
 * connect closes it (UF) and counts as a local-origin failure for outlier detection. Counted in Istio's
 * istio_tcp_* metrics and logged at the close, reported by the source ({@link TcpSession}). Chaos on the
 * link to the endpoint acts on the relayed bytes per direction ({@link TcpLinkChaos}); a partition fails the
 * connect (UF), a reset ends the connection after the app's first bytes went upstream.
 */
final class OutboundTcpRelay extends ChannelInboundHandlerAdapter {
    private final Proxy proxy;
    private final String service;
    /** The listener's routes when the connection was accepted: it keeps them for its life. */
    private final TcpListenerRoutes routes;
    private TcpSession session;
    private Channel upstream;
    private ClusterRuntime cluster;
    private boolean counted;
    /** Bytes the app sent before the upstream was ready, in order; null once relaying (or refused). */
    private List<Object> pending = new ArrayList<>(2);
    /** Chaos on the link to the chosen endpoint; null when none acts on it. */
    private TcpLinkChaos chaos;
    private TcpLinkChaos.Lane requests;
    private TcpLinkChaos.Lane responses;
    private boolean resetPending;

    private OutboundTcpRelay(Proxy proxy, String service, TcpListenerRoutes routes) {
        this.proxy = proxy;
        this.service = service;
        this.routes = routes;
    }

    /** The pipeline of a connection accepted on the outbound listener for {@code service}. */
    static void install(Proxy proxy, Channel ch, String service) {
        TcpListenerRoutes routes = proxy.snapshot().tcpRoutes().get(service);
        ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, 3600, TimeUnit.SECONDS) {
            @Override
            protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
                ctx.close();
            }
        });
        if (routes != null && routes.inspectsSni()) {
            ch.pipeline().addLast("sni", new SniPeek());
        }
        ch.pipeline().addLast("tcp-outbound", new OutboundTcpRelay(proxy, service, routes));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel down = ctx.channel();
        down.config().setAutoRead(false);
        session = new TcpSession(proxy, down);
        if (routes == null) {
            // no filter chain for this service on this proxy (a Sidecar hides it)
            refuse(down, null, null, "NR", "no route for " + service + " on this proxy");
        } else if (routes.inspectsSni()) {
            down.read(); // the ClientHello, for SniPeek; routing waits for its event
        } else {
            route(down, "");
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SniCompletionEvent) {
            String sni = ((SniCompletionEvent) evt).hostname();
            route(ctx.channel(), sni == null ? "" : sni);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void route(Channel down, String sni) {
        session.serverName(sni);
        TcpRoute r = routes.select(sni, ip(down.localAddress()), ip(down.remoteAddress()));
        if (r == null) {
            refuse(down, null, null, "NR", "no route of " + service + " matches" + (sni.isEmpty() ? " a connection without SNI" : " SNI " + sni));
            return;
        }
        session.route(r.virtualService().isEmpty() ? "" : r.virtualService() + " " + r.kind() + "[" + r.ruleIndex() + "]", r.why());
        TcpRoute.Destination d = r.pick(proxy.random());
        ClusterRuntime c = proxy.cluster(d.cluster());
        if (c == null) {
            refuse(down, d, null, "NC", "no cluster " + d.cluster());
            return;
        }
        ConnectionPoolSettings limits = c.config().connectionPool();
        if (c.connections.incrementAndGet() > limits.maxConnections()) {
            c.connections.decrementAndGet();
            refuse(down, d, null, "UO", d.cluster() + ": maxConnections " + limits.maxConnections() + " reached");
            return;
        }
        cluster = c;
        counted = true;
        RequestView view = new RequestView("", "tcp", service, "", d.port(), Map.of(), ip(down.remoteAddress()));
        Endpoint e = c.pick(proxy.random(), List.of(), view);
        if (e == null) {
            refuse(down, d, null, "UH", d.cluster() + ": no healthy endpoint");
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
                        refuse(down, d, e, "UF", "partitioned from " + e.pod());
                    }
                }, proxy.timeScale().scaleNanos(limits.connectTimeout()), TimeUnit.NANOSECONDS);
                return;
            }
        }
        ProxySecurity sec = proxy.security();
        TlsOrigination.Kind tls = sec == null ? TlsOrigination.Kind.PLAINTEXT : sec.origination(c.config().tlsMode(), e);
        TcpUpstream.open(proxy, down, e, tls, Math.max(1, limits.connectTimeout().toMillis()), new Back(down)).addListener(f -> {
            if (f.isSuccess()) {
                relay(down, (Channel) f.getNow(), c, d, e);
            } else {
                c.report(e, 503, true);
                refuse(down, d, e, "UF", f.cause().getMessage());
            }
        });
    }

    private void relay(Channel down, Channel up, ClusterRuntime c, TcpRoute.Destination d, Endpoint e) {
        c.report(e, 200, false);
        upstream = up;
        session.upstream(d.cluster(), e, up);
        opened(d, e, "-", MeshTls.peerId(up));
        if (!down.isActive()) {
            session.closed(); // the app left while we connected
            up.close();
            return;
        }
        if (chaos != null) {
            requests = chaos.lane(Direction.REQUEST, down, up);
            responses = chaos.lane(Direction.RESPONSE, up, down);
            resetPending = chaos.resetNow();
        }
        List<Object> held = pending;
        pending = null;
        for (int i = 0; i < held.size(); i++) {
            forward(down, up, held.get(i), i == held.size() - 1);
        }
        if (held.isEmpty()) {
            down.read();
        }
        up.read();
    }

    /** Counts the connection toward {@code e} (null when none was chosen); {@code peer} is the server's verified SPIFFE id, or "". */
    private void opened(TcpRoute.Destination d, Endpoint e, String flags, String peer) {
        String host = d != null ? d.host() : service.substring(0, service.lastIndexOf(':'));
        session.open(proxy.sourceTcpLabels(host, e, peer, flags));
    }

    /** Ends the connection without an upstream, as Envoy's tcp_proxy does, counted and logged with its response flag. */
    private void refuse(Channel down, TcpRoute.Destination d, Endpoint e, String flag, String why) {
        session.upstream(d == null ? "" : d.cluster(), e, null);
        session.fail(flag, why);
        opened(d, e, flag, "");
        session.closed();
        releasePending();
        down.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel up = upstream;
        if (up == null && pending != null) {
            pending.add(msg); // routing or connecting: the bytes go up once the upstream is ready
            return;
        }
        if (up == null || !up.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        forward(ctx.channel(), up, msg, true);
    }

    /** One read of the app's bytes toward the upstream; {@code readNext} asks for the next read once written. */
    private void forward(Channel down, Channel up, Object msg, boolean readNext) {
        if (msg instanceof ByteBuf) {
            session.received(((ByteBuf) msg).readableBytes());
        }
        if (resetPending) {
            // like the HTTP hop: the request goes out, then the connection is reset
            resetPending = false;
            up.writeAndFlush(msg).addListener(f -> TcpLinkChaos.reset(down, up));
            return;
        }
        if (requests != null) {
            requests.offer(msg);
            return;
        }
        up.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                f.channel().close();
            } else if (readNext) {
                down.read();
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePending();
        if (session != null && !session.isOpen()) {
            // the app left before its upstream was ready (or before a TLS client finished its ClientHello)
            session.fail("DC", "downstream closed before the upstream connection was ready");
            opened(null, null, "DC", "");
        }
        if (session != null) {
            session.closed();
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

    private void releasePending() {
        List<Object> held = pending;
        pending = null;
        if (held != null) {
            held.forEach(ReferenceCountUtil::release);
        }
    }

    /** The connection stops counting against the cluster's limit, once. */
    private void release() {
        if (counted) {
            counted = false;
            cluster.connections.decrementAndGet();
        }
    }

    private static String ip(SocketAddress a) {
        return a instanceof InetSocketAddress && ((InetSocketAddress) a).getAddress() != null
                ? ((InetSocketAddress) a).getAddress().getHostAddress() : "";
    }

    /** The endpoint's side: its bytes go back to the app. */
    private final class Back extends ChannelInboundHandlerAdapter {
        private final Channel down;

        Back(Channel down) {
            this.down = down;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf && session.isOpen()) {
                session.sent(((ByteBuf) msg).readableBytes());
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
