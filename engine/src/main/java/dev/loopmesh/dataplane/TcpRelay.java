package dev.loopmesh.dataplane;

import dev.loopmesh.policy.authn.TlsOrigination;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.security.MeshTls;
import dev.loopmesh.security.ProxySecurity;
import dev.loopmesh.telemetry.metrics.TcpLabels;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Plain TCP pass-through for a {@code protocol: tcp} service (Envoy's tcp_proxy): bytes are relayed as
 * they come, with explicit backpressure (a side stops reading while the other side cannot take more),
 * counted in Istio's istio_tcp_* metrics and written to the access log at the close ({@link TcpSession}).
 *
 * <p>Two uses: a sidecar's inbound relays to its app ({@link #toApp}, plaintext on the pod's loopback;
 * mTLS from the caller was terminated before, by the inbound's mTLS handler; the connection is authorized
 * at its first bytes as Envoy's network RBAC filter does), and a caller's relay
 * toward a server ({@link #toUpstream}), which originates TLS as auto mTLS and the cluster's
 * DestinationRule decide — mTLS when the server has a sidecar — and relays nothing until the handshake
 * is done and the server is who the endpoint says (Istio checks the SAN against the service accounts).
 */
final class TcpRelay extends ChannelInboundHandlerAdapter {
    /**
     * Who a connection is between, asked at its first bytes (or its close), when the peers' identities are
     * known; {@code upstream} is null when the connection closed before its upstream was ready.
     */
    @FunctionalInterface
    interface Labels {
        TcpLabels of(Channel downstream, Channel upstream);
    }

    private final Proxy proxy;
    private final Endpoint target;
    private final String cluster;
    private final TlsOrigination.Kind tls;
    private final Labels labels;
    /** An inbound relay authorizes its connection at the first bytes from the downstream (after mTLS). */
    private final boolean inbound;
    private boolean authorized;
    private Channel upstream;
    private TcpSession session;

    private TcpRelay(Proxy proxy, Endpoint target, String cluster, TlsOrigination.Kind tls, Labels labels, boolean inbound) {
        this.proxy = proxy;
        this.target = target;
        this.cluster = cluster;
        this.tls = tls;
        this.labels = labels;
        this.inbound = inbound;
    }

    /** A sidecar's inbound for a tcp service: to its app, authorized and counted by the destination. */
    static TcpRelay toApp(Proxy proxy, Endpoint app) {
        String cluster = proxy.inboundCluster() == null ? "" : proxy.inboundCluster().config().name();
        return new TcpRelay(proxy, app, cluster, TlsOrigination.Kind.PLAINTEXT, (down, up) -> proxy.inboundTcpLabels(down), true);
    }

    /**
     * A caller's relay toward endpoint {@code e} of {@code cluster}: auto mTLS when the endpoint has a sidecar
     * whose PeerAuthentication accepts it, or what the cluster's DestinationRule {@code tls.mode} says;
     * counted by the source.
     */
    static TcpRelay toUpstream(Proxy proxy, ClusterRuntime cluster, Endpoint e) {
        ProxySecurity sec = proxy.security();
        TlsOrigination.Kind kind = sec == null ? TlsOrigination.Kind.PLAINTEXT : sec.origination(cluster.config().tlsMode(), e);
        return new TcpRelay(proxy, e, cluster.config().name(), kind, (down, up) -> proxy.sourceTcpLabels(cluster.config().service(), e,
                up == null ? "" : MeshTls.peerId(up), "-"), false);
    }

    /** How this relay's upstream connection starts. */
    TlsOrigination.Kind tls() {
        return tls;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel down = ctx.channel();
        down.config().setAutoRead(false);
        session = new TcpSession(proxy, down);
        TcpUpstream.open(proxy, down, target, tls, 0, new Back(down)).addListener(f -> {
            if (f.isSuccess()) {
                start(down, (Channel) f.getNow());
            } else {
                session.upstream(cluster, target, null);
                session.fail("UF", f.cause().getMessage());
                down.close();
            }
        });
    }

    private void start(Channel down, Channel up) {
        if (!down.isActive()) {
            up.close();
            return;
        }
        upstream = up;
        session.upstream(cluster, target, up);
        if (down.pipeline().get("headers-timeout") != null) {
            // bytes, not HTTP: no request head will come (and a server-first protocol sends none at all)
            down.pipeline().remove("headers-timeout");
        }
        down.read();
        up.read();
    }

    private TcpSession session(Channel down, Channel up) {
        if (!session.isOpen()) {
            session.open(labels.of(down, up));
        }
        return session;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // no request head will come on a TCP connection: the head timeout must not cut a quiet one (idle bounds it)
        if (ctx.pipeline().get("headers-timeout") != null) {
            ctx.pipeline().remove("headers-timeout");
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel up = upstream;
        if (up == null || !up.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (inbound && !authorized) {
            // Envoy's network RBAC decides on the connection's first data: a denial closes it, nothing reaches the app
            authorized = true;
            ProxySecurity sec = proxy.security();
            String denied = sec == null ? null : sec.checkConnection(ctx.channel(), proxy.snapshot().inbound(), proxy.identity().proxy());
            if (denied != null) {
                session.fail("RBAC", denied);
                ReferenceCountUtil.release(msg);
                up.close();
                ctx.close();
                return;
            }
        }
        if (msg instanceof ByteBuf) {
            session(ctx.channel(), up).received(((ByteBuf) msg).readableBytes());
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
        session(ctx.channel(), upstream).closed();
        closeOnFlush(upstream);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeOnFlush(ctx.channel());
    }

    static void closeOnFlush(Channel ch) {
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The upstream side: its bytes go back to the downstream. */
    private final class Back extends ChannelInboundHandlerAdapter {
        private final Channel down;

        Back(Channel down) {
            this.down = down;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf) {
                session(down, ctx.channel()).sent(((ByteBuf) msg).readableBytes());
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
            closeOnFlush(down);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeOnFlush(ctx.channel());
        }
    }
}
