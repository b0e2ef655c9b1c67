package dev.loopmesh.workload.client;

import dev.loopmesh.internal.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Keep-alive HTTP/1.1 client connections, pooled per event loop and target address, one request at a
 * time per connection. A request runs on the event loop the caller names (the loop of the channel that
 * needs it), so the pool needs no locks: each loop has its own idle connections.
 */
public final class HttpClientPool implements AutoCloseable {
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final EventLoops loops;
    private final int maxIdlePerAddress;
    private final int maxResponseBytes;
    private final Map<EventLoop, Map<InetSocketAddress, ArrayDeque<Channel>>> idle = new ConcurrentHashMap<>();
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private final boolean sameLoop;

    /** The apps' client: a call is served on the caller's event loop, from sidecar to sidecar to app. */
    public HttpClientPool(EventLoops loops) {
        this(loops, 256, DEFAULT_MAX_RESPONSE_BYTES, true);
    }

    /**
     * @param sameLoop whether the listener the pool connects to serves each connection on the
     *                 connecting loop ({@link EventLoops#connect}); false for clients that stand outside
     *                 the mesh, as the load generator does in front of the gateway, so that their
     *                 connections (and the requests behind them) spread over every loop
     */
    public HttpClientPool(EventLoops loops, int maxIdlePerAddress, int maxResponseBytes, boolean sameLoop) {
        this.loops = requireNonNull(loops, "loops");
        this.sameLoop = sameLoop;
        if (maxIdlePerAddress < 0) {
            throw new IllegalArgumentException("maxIdlePerAddress: " + maxIdlePerAddress + " (expected: >= 0)");
        }
        this.maxIdlePerAddress = maxIdlePerAddress;
        this.maxResponseBytes = maxResponseBytes;
    }

    /**
     * Sends {@code request} to {@code address} on {@code loop}; the future completes on that loop.
     *
     * @param timeoutNanos the whole exchange's timeout (connect included), 0 for none; on expiry the
     *                     future fails with {@link UpstreamTimeoutException} and the connection is closed
     */
    public Future<ClientResponse> send(EventLoop loop, InetSocketAddress address, ClientRequest request, long timeoutNanos) {
        requireNonNull(address, "address");
        requireNonNull(request, "request");
        Promise<ClientResponse> promise = loop.newPromise();
        PooledExchange exchange = new PooledExchange(this, address, request, promise);
        if (loop.inEventLoop()) {
            start(loop, exchange, timeoutNanos);
        } else {
            loop.execute(() -> start(loop, exchange, timeoutNanos));
        }
        return promise;
    }

    /**
     * A {@code tcp} service call: connects to {@code address}, writes {@code payload}, and completes with the
     * first line the service answers (then closes). Same loop and timeout rules as {@link #send}.
     */
    public Future<String> sendTcp(EventLoop loop, InetSocketAddress address, byte[] payload, long timeoutNanos) {
        requireNonNull(address, "address");
        if (closed) {
            return loop.newFailedFuture(new IllegalStateException("client pool closed"));
        }
        return TcpLineExchange.send(loops, loop, address, payload, timeoutNanos, open);
    }

    /** Open connections (idle or busy), for tests and stats. */
    public int openConnections() {
        return open.size();
    }

    private void start(EventLoop loop, PooledExchange exchange, long timeoutNanos) {
        if (closed) {
            exchange.fail(new IllegalStateException("client pool closed"));
            return;
        }
        if (timeoutNanos > 0) {
            exchange.timer(loop.schedule(() -> exchange.timedOut(timeoutNanos), timeoutNanos, TimeUnit.NANOSECONDS));
        }
        Channel ch = pollIdle(loop, exchange.address());
        if (ch != null) {
            write(ch, exchange);
            return;
        }
        connect(new Bootstrap().group(loop).channel(loops.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast("codec", new HttpClientCodec());
                        c.pipeline().addLast("aggregator", new HttpObjectAggregator(maxResponseBytes));
                        c.pipeline().addLast("exchange", new ClientHandler());
                    }
                }), exchange.address()).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        exchange.fail(f.cause());
                        return;
                    }
                    Channel c = f.channel();
                    open.add(c);
                    c.closeFuture().addListener(x -> open.remove(c));
                    if (closed) {
                        c.close();
                    }
                    if (exchange.isDone()) {
                        release(exchange.address(), c); // timed out while connecting: keep the connection
                    } else {
                        write(c, exchange);
                    }
                });
    }

    private void write(Channel ch, PooledExchange exchange) {
        exchange.assigned(ch);
        ch.pipeline().get(ClientHandler.class).begin(exchange);
        ch.writeAndFlush(toNetty(exchange.request())).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                exchange.fail(f.cause());
            }
        });
    }

    private static FullHttpRequest toNetty(ClientRequest r) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(r.method()), r.path(),
                Unpooled.EMPTY_BUFFER);
        req.headers().set(HttpHeaderNames.HOST, r.authority());
        for (Map.Entry<String, String> h : r.headers()) {
            req.headers().add(h.getKey(), h.getValue());
        }
        if (!"GET".equals(r.method()) && !"HEAD".equals(r.method())) {
            req.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        return req;
    }

    private io.netty.channel.ChannelFuture connect(Bootstrap b, InetSocketAddress address) {
        return sameLoop ? loops.connect(b, address) : b.connect(address);
    }

    private Channel pollIdle(EventLoop loop, InetSocketAddress address) {
        ArrayDeque<Channel> q = idle.computeIfAbsent(loop, l -> new HashMap<>()).get(address);
        while (q != null && !q.isEmpty()) {
            // an app takes the most recently used (the least likely to have been closed); a client outside the mesh
            // rotates, so its requests spread over the loops its connections landed on
            Channel ch = sameLoop ? q.pollLast() : q.pollFirst();
            if (ch.isActive()) {
                return ch;
            }
        }
        return null;
    }

    /** Called on the connection's loop when it finished an exchange and may be reused. */
    void release(InetSocketAddress address, Channel ch) {
        if (closed || !ch.isActive()) {
            ch.close();
            return;
        }
        ArrayDeque<Channel> q = idle.computeIfAbsent(ch.eventLoop(), l -> new HashMap<>())
                .computeIfAbsent(address, a -> new ArrayDeque<>());
        if (q.size() >= maxIdlePerAddress) {
            ch.close();
        } else {
            q.addLast(ch);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Channel ch : open) {
            ch.close();
        }
    }
}
