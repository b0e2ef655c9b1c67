package dev.loopmesh.dataplane;

import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.telemetry.metrics.TcpConnection;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;

/**
 * Plain TCP pass-through for a {@code protocol: tcp} service (Envoy's tcp_proxy): bytes are relayed to
 * the app as they come, with explicit backpressure (a side stops reading while the other side cannot
 * take more), and counted in Istio's istio_tcp_* metrics.
 */
final class TcpRelay extends ChannelInboundHandlerAdapter {
    private final Proxy proxy;
    private final Endpoint app;
    private Channel upstream;
    private TcpConnection metrics;

    TcpRelay(Proxy proxy, Endpoint app) {
        this.proxy = proxy;
        this.app = app;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel down = ctx.channel();
        down.config().setAutoRead(false);
        metrics = proxy.tcpOpened(down);
        proxy.eventLoops().connect(new Bootstrap()
                .group(down.eventLoop())
                .channel(proxy.eventLoops().socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .handler(new Back(down)), new java.net.InetSocketAddress(app.address(), app.port()))
                .addListener((ChannelFutureListener) f -> {
                    if (f.isSuccess()) {
                        upstream = f.channel();
                        down.read();
                        upstream.read();
                    } else {
                        down.close();
                    }
                });
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
        if (msg instanceof ByteBuf) {
            metrics.received(((ByteBuf) msg).readableBytes());
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
        metrics.closed();
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

    /** The app's side: its bytes go back to the client. */
    private final class Back extends ChannelInboundHandlerAdapter {
        private final Channel down;

        Back(Channel down) {
            this.down = down;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf) {
                metrics.sent(((ByteBuf) msg).readableBytes());
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
