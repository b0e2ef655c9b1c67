package dev.loopmesh.admin;

import dev.loopmesh.internal.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The admin HTTP API on 127.0.0.1. Handlers may block (an apply waits for the control plane), so
 * they run on one worker thread, never on an event loop.
 */
public final class AdminServer implements AutoCloseable {
    /** What a handler answers: status, content type and body. */
    public record Reply(int status, String contentType, String body) {
        public static Reply json(int status, String body) {
            return new Reply(status, "application/json", body);
        }

        public static Reply text(int status, String body) {
            return new Reply(status, "text/plain; charset=utf-8", body);
        }
    }

    /** Routes one request; {@code body} is the request body as text. */
    @FunctionalInterface
    public interface Handler {
        Reply handle(String method, QueryStringDecoder uri, String body, String contentType);
    }

    private final Channel channel;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "loopmesh-admin");
        t.setDaemon(true);
        return t;
    });

    public AdminServer(EventLoops loops, int port, Handler handler) {
        this.channel = new ServerBootstrap()
                .group(loops.group())
                .channel(loops.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8 * 1024 * 1024),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        String method = req.method().name();
                                        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
                                        String body = req.content().toString(StandardCharsets.UTF_8);
                                        String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
                                        boolean keepAlive = HttpUtil.isKeepAlive(req);
                                        CompletableFuture.supplyAsync(() -> safely(handler, method, uri, body, type), worker)
                                                .thenAccept(reply -> ctx.executor().execute(() -> write(ctx, reply, keepAlive)));
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", port).syncUninterruptibly().channel();
    }

    private static Reply safely(Handler h, String method, QueryStringDecoder uri, String body, String type) {
        try {
            return h.handle(method, uri, body, type);
        } catch (RuntimeException e) {
            return Reply.text(500, "internal error: " + e + "\n");
        }
    }

    private static void write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()),
                Unpooled.wrappedBuffer(bytes));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType()).set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (keepAlive) {
            ctx.writeAndFlush(res);
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        worker.shutdownNow();
    }
}
