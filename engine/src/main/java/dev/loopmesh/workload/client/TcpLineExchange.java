package dev.loopmesh.workload.client;

import dev.loopmesh.internal.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What an emulated app does with a {@code tcp} service: open a connection, write its bytes, read one line
 * back (the echo app names the pod that answered), close. One connection per call, as a client without a
 * pool would; the future completes on the caller's event loop.
 */
final class TcpLineExchange {
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_LINE = 64 * 1024;

    private TcpLineExchange() {
    }

    static Future<String> send(EventLoops loops, EventLoop loop, InetSocketAddress address, byte[] payload, long timeoutNanos,
                               Set<Channel> open) {
        Promise<String> promise = loop.newPromise();
        loop.execute(() -> start(loops, loop, address, payload, timeoutNanos, open, promise));
        return promise;
    }

    private static void start(EventLoops loops, EventLoop loop, InetSocketAddress address, byte[] payload, long timeoutNanos,
                              Set<Channel> open, Promise<String> promise) {
        Channel ch = new Bootstrap().group(loop).channel(loops.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast("lines", new LineBasedFrameDecoder(MAX_LINE));
                        c.pipeline().addLast("answer", new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
                                promise.trySuccess(line.toString(StandardCharsets.UTF_8));
                                ctx.close();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                promise.tryFailure(new ClientFailures.UpstreamClosedException());
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                promise.tryFailure(cause);
                                ctx.close();
                            }
                        });
                    }
                })
                .connect(address).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        promise.tryFailure(f.cause());
                        return;
                    }
                    f.channel().writeAndFlush(Unpooled.wrappedBuffer(payload));
                }).channel();
        open.add(ch);
        ch.closeFuture().addListener(x -> open.remove(ch));
        if (timeoutNanos > 0) {
            ScheduledFuture<?> timer = loop.schedule(() -> {
                if (promise.tryFailure(new UpstreamTimeoutException("no answer within " + timeoutNanos + "ns"))) {
                    ch.close();
                }
            }, timeoutNanos, TimeUnit.NANOSECONDS);
            promise.addListener(x -> timer.cancel(false));
        }
    }
}
