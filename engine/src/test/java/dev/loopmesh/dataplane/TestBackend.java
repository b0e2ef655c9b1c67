package dev.loopmesh.dataplane;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A plain HTTP server standing in for an app, answering with its name and the headers it got. */
final class TestBackend implements AutoCloseable {
    final String name;
    final ConcurrentLinkedQueue<Map<String, String>> received = new ConcurrentLinkedQueue<>();
    final AtomicInteger requests = new AtomicInteger();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    volatile Function<Integer, Integer> status = n -> 200;

    TestBackend(String name, String host, int port) {
        this.name = name;
        this.channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        int n = requests.incrementAndGet();
                                        Map<String, String> h = new java.util.HashMap<>();
                                        req.headers().forEach(e -> h.put(e.getKey().toLowerCase(), e.getValue()));
                                        h.put(":path", req.uri());
                                        received.add(h);
                                        byte[] body = (name + " " + req.uri()).getBytes(StandardCharsets.UTF_8);
                                        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                HttpResponseStatus.valueOf(status.apply(n)), Unpooled.wrappedBuffer(body));
                                        HttpUtil.setContentLength(res, body.length);
                                        ctx.writeAndFlush(res);
                                    }
                                });
                    }
                }).bind(host, port).syncUninterruptibly().channel();
    }

    int port() {
        return ((java.net.InetSocketAddress) channel.localAddress()).getPort();
    }

    List<Map<String, String>> all() {
        return List.copyOf(received);
    }

    void closeQuietly() {
        if (!group.isShuttingDown()) {
            close();
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
