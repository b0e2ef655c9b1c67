package dev.loopmesh.dataplane;

import dev.loopmesh.internal.EventLoops;
import dev.loopmesh.policy.resilience.ConnectionPoolSettings;
import dev.loopmesh.policy.routing.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A proxy's upstream HTTP/1.1 connections, pooled per event loop and endpoint so that a connection
 * is only ever touched by the loop that owns it, and opened on the loop of the downstream
 * connection that needs it. Connection limits are counted per cluster (Envoy's circuit breakers).
 */
final class UpstreamPool {
    static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

    /** Why a connection could not be had. */
    static final class PoolException extends Exception {
        private static final long serialVersionUID = 1L;
        final ResponseFlag flag;

        PoolException(ResponseFlag flag, String message, Throwable cause) {
            super(message, cause, false, false);
            this.flag = flag;
        }
    }

    private final EventLoops loops;
    private final Map<Key, HostPool> pools = new ConcurrentHashMap<>();
    private final Map<Key, H2Connection> h2 = new ConcurrentHashMap<>();
    /** The pool a connection belongs to (its endpoint and TLS kind). */
    private static final io.netty.util.AttributeKey<HostPool> POOL = io.netty.util.AttributeKey.valueOf("loopmesh.upstream-pool");
    private volatile dev.loopmesh.security.ProxySecurity security;

    private record Key(EventLoop loop, String hostPort, dev.loopmesh.policy.authn.TlsOrigination.Kind tls) {
    }

    UpstreamPool(EventLoops loops) {
        this.loops = loops;
    }

    void security(dev.loopmesh.security.ProxySecurity s) {
        this.security = s;
    }

    /**
     * Acquires a connection to {@code e} on {@code loop} — for an HTTP/2 cluster a new stream on the
     * endpoint's shared connection; the future fails with a {@link PoolException}. Connections with and
     * without TLS (auto mTLS, DestinationRule tls) are pooled apart.
     */
    Future<Channel> acquire(EventLoop loop, Endpoint e, ClusterRuntime cluster) {
        dev.loopmesh.security.ProxySecurity sec = security;
        dev.loopmesh.policy.authn.TlsOrigination.Kind tls = sec == null ? dev.loopmesh.policy.authn.TlsOrigination.Kind.PLAINTEXT
                : sec.origination(cluster.config().tlsMode(), e);
        Key key = new Key(loop, e.hostPort(), tls);
        if (cluster.config().http2()) {
            return h2.computeIfAbsent(key, k -> new H2Connection(loop, e, tls)).openStream(cluster);
        }
        HostPool p = pools.get(key);
        if (p == null) {
            p = pools.computeIfAbsent(key, k -> new HostPool(loop, e, tls));
        }
        return p.acquire(cluster);
    }

    /** Gives a connection back after a complete exchange; {@code reusable} false closes it. */
    void release(Channel ch, Endpoint e, ClusterRuntime cluster, boolean reusable) {
        if (ch instanceof Http2StreamChannel) {
            // a stream is used once; its connection stays for the next
            ch.close();
            return;
        }
        HostPool p = ch.attr(POOL).get();
        if (p == null || p.retired || !reusable || !ch.isActive()) {
            ch.close();
            return;
        }
        p.release(ch, cluster);
    }

    void closeAll() {
        pools.values().forEach(p -> {
            p.retired = true;
            p.closeIdle();
        });
        pools.clear();
        h2.values().forEach(H2Connection::close);
        h2.clear();
    }

    /** A request waiting for a connection of its cluster (Envoy's pending queue), on its own pool's loop. */
    record Waiter(Promise<Channel> promise, HostPool pool) {
    }

    final class HostPool {
        private final EventLoop loop;
        private final Endpoint endpoint;
        private final dev.loopmesh.policy.authn.TlsOrigination.Kind tls;
        private final ArrayDeque<Channel> idle = new ArrayDeque<>();
        /** Dropped from the pool map (the proxy closed): connections given back are closed. */
        volatile boolean retired;

        HostPool(EventLoop loop, Endpoint endpoint, dev.loopmesh.policy.authn.TlsOrigination.Kind tls) {
            this.loop = loop;
            this.endpoint = endpoint;
            this.tls = tls;
        }

        Future<Channel> acquire(ClusterRuntime cluster) {
            Promise<Channel> promise = loop.newPromise();
            Channel ch;
            while ((ch = idle.pollFirst()) != null) {
                if (ch.isActive()) {
                    return promise.setSuccess(ch);
                }
            }
            ConnectionPoolSettings limits = cluster.config().connectionPool();
            if (cluster.connections.incrementAndGet() <= limits.maxConnections()) {
                connect(promise, cluster);
                return promise;
            }
            cluster.connections.decrementAndGet();
            if (cluster.pendingRequests.incrementAndGet() <= limits.http1MaxPendingRequests()) {
                Waiter w = new Waiter(promise, this);
                cluster.waiters.addLast(w);
                promise.addListener(f -> {
                    if (f.isCancelled() && cluster.waiters.remove(w)) {
                        cluster.pendingRequests.decrementAndGet();
                    }
                });
                return promise;
            }
            cluster.pendingRequests.decrementAndGet();
            return promise.setFailure(new PoolException(ResponseFlag.UO,
                    "upstream connection pool overflow (maxConnections " + limits.maxConnections()
                            + ", http1MaxPendingRequests " + limits.http1MaxPendingRequests() + ")", null));
        }

        void release(Channel ch, ClusterRuntime cluster) {
            int max = cluster.config().connectionPool().maxRequestsPerConnection();
            if (max > 0 && ch.pipeline().get(UpstreamHandler.class).requestsSent() >= max) {
                ch.close();
                return;
            }
            // a request of this pool waiting for a connection takes this one as it is
            for (Waiter w : cluster.waiters) {
                if (w.pool == this && cluster.waiters.remove(w)) {
                    cluster.pendingRequests.decrementAndGet();
                    if (w.promise.trySuccess(ch)) {
                        return;
                    }
                }
            }
            if (!cluster.waiters.isEmpty()) {
                // requests wait on another loop or endpoint: free the slot for the oldest of them
                ch.close();
                return;
            }
            idle.addLast(ch);
        }

        private void connect(Promise<Channel> promise, ClusterRuntime cluster) {
            ConnectionPoolSettings limits = cluster.config().connectionPool();
            long idleSeconds = Math.max(1, limits.idleTimeout().toSeconds());
            Bootstrap b = new Bootstrap()
                    .group(loop)
                    .channel(loops.socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, limits.connectTimeout().toMillis()))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.attr(POOL).set(HostPool.this);
                            dev.loopmesh.security.ProxySecurity sec = security;
                            io.netty.handler.ssl.SslHandler ssl = sec == null ? null : sec.originate(ch, tls, endpoint);
                            if (ssl != null) {
                                ch.pipeline().addLast("tls", ssl);
                            }
                            ch.pipeline()
                                    .addLast("idle", new IdleStateHandler(0, 0, idleSeconds, TimeUnit.SECONDS) {
                                        @Override
                                        protected void channelIdle(io.netty.channel.ChannelHandlerContext ctx, IdleStateEvent evt) {
                                            if (!ctx.pipeline().get(UpstreamHandler.class).busy()) {
                                                ctx.close();
                                            }
                                        }
                                    })
                                    .addLast("codec", new HttpClientCodec())
                                    .addLast("upstream", new UpstreamHandler());
                        }
                    });
            ChannelFuture f = loops.connect(b, new InetSocketAddress(endpoint.address(), endpoint.port()));
            f.addListener(done -> {
                if (done.isSuccess()) {
                    Channel ch = f.channel();
                    ch.closeFuture().addListener(c -> {
                        idle.remove(ch);
                        connectionGone(cluster);
                    });
                    io.netty.handler.ssl.SslHandler ssl = ch.pipeline().get(io.netty.handler.ssl.SslHandler.class);
                    if (ssl == null) {
                        if (!promise.trySuccess(ch)) {
                            release(ch, cluster);
                        }
                        return;
                    }
                    // mTLS: the connection is usable once the handshake is done and the server is who it should be
                    security.verified(ch, ssl, endpoint).addListener(v -> {
                        if (v.isSuccess()) {
                            if (!promise.trySuccess(ch)) {
                                release(ch, cluster);
                            }
                        } else {
                            ch.close();
                            promise.tryFailure(new PoolException(ResponseFlag.UF, "upstream connect error or disconnect/reset before headers. "
                                    + "reset reason: connection failure, transport failure reason: " + describe(v.cause()), v.cause()));
                        }
                    });
                } else {
                    promise.tryFailure(new PoolException(ResponseFlag.UF, "upstream connect error or disconnect/reset before headers. "
                            + "reset reason: connection failure (" + describe(done.cause()) + ")", done.cause()));
                    connectionGone(cluster);
                }
            });
        }

        void closeIdle() {
            if (loop.isShuttingDown()) {
                return;
            }
            loop.execute(() -> {
                // closing a channel removes it from `idle` (its close listener): close a copy
                List<Channel> copy = new ArrayList<>(idle);
                idle.clear();
                copy.forEach(Channel::close);
            });
        }
    }

    /**
     * One HTTP/2 (h2c, prior knowledge) connection per loop and endpoint, carrying every request as a
     * stream, as Envoy does for an HTTP/2 cluster. Envoy's http2MaxRequests bounds the streams in flight.
     */
    final class H2Connection {
        private final EventLoop loop;
        private final Endpoint endpoint;
        private final dev.loopmesh.policy.authn.TlsOrigination.Kind tls;
        private Future<Channel> parent;

        H2Connection(EventLoop loop, Endpoint endpoint, dev.loopmesh.policy.authn.TlsOrigination.Kind tls) {
            this.loop = loop;
            this.endpoint = endpoint;
            this.tls = tls;
        }

        Future<Channel> openStream(ClusterRuntime cluster) {
            Promise<Channel> stream = loop.newPromise();
            ConnectionPoolSettings limits = cluster.config().connectionPool();
            if (cluster.activeRequests.get() > limits.http2MaxRequests()) {
                return stream.setFailure(new PoolException(ResponseFlag.UO, "upstream overflow: http2MaxRequests "
                        + limits.http2MaxRequests() + " in flight", null));
            }
            if (parent == null || (parent.isDone() && (!parent.isSuccess() || !((Channel) parent.getNow()).isActive()))) {
                if (cluster.connections.incrementAndGet() > limits.maxConnections()) {
                    cluster.connections.decrementAndGet();
                    return stream.setFailure(new PoolException(ResponseFlag.UO, "upstream connection pool overflow (maxConnections "
                            + limits.maxConnections() + ")", null));
                }
                parent = connect(cluster);
            }
            parent.addListener(f -> {
                if (!f.isSuccess()) {
                    stream.tryFailure(new PoolException(ResponseFlag.UF, "upstream connect error or disconnect/reset before headers. "
                            + "reset reason: connection failure (" + describe(f.cause()) + ")", f.cause()));
                    return;
                }
                new Http2StreamChannelBootstrap((Channel) f.getNow())
                        .handler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                ch.pipeline()
                                        .addLast("h2-to-http", new Http2StreamFrameToHttpObjectCodec(false))
                                            .addLast("upstream", new UpstreamHandler());
                            }
                        })
                        .open()
                        .addListener(o -> {
                            if (o.isSuccess()) {
                                if (!stream.trySuccess((Channel) o.getNow())) {
                                    ((Channel) o.getNow()).close();
                                }
                            } else {
                                stream.tryFailure(new PoolException(ResponseFlag.UF, "cannot open an HTTP/2 stream: "
                                        + describe(o.cause()), o.cause()));
                            }
                        });
            });
            return stream;
        }

        private Future<Channel> connect(ClusterRuntime cluster) {
            Promise<Channel> p = loop.newPromise();
            ConnectionPoolSettings limits = cluster.config().connectionPool();
            ChannelFuture f = loops.connect(new Bootstrap()
                    .group(loop)
                    .channel(loops.socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, limits.connectTimeout().toMillis()))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            dev.loopmesh.security.ProxySecurity sec = security;
                            // an HTTP/2 cluster offers h2 (then http/1.1) and speaks h2, as Envoy does with explicit HTTP/2 options
                            io.netty.handler.ssl.SslHandler ssl = sec == null ? null
                                    : sec.originate(ch, tls, endpoint, dev.loopmesh.security.MeshTls.Alpn.H2);
                            if (ssl != null) {
                                ch.pipeline().addLast("tls", ssl);
                            }
                            ch.pipeline()
                                    .addLast("h2", Http2FrameCodecBuilder.forClient().build())
                                    .addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                                        @Override
                                        protected void initChannel(Channel push) {
                                            push.close(); // the server may not push: refuse pushed streams
                                        }
                                    }));
                        }
                    }), new InetSocketAddress(endpoint.address(), endpoint.port()));
            f.addListener(done -> {
                if (done.isSuccess()) {
                    f.channel().closeFuture().addListener(c -> cluster.connections.decrementAndGet());
                    io.netty.handler.ssl.SslHandler ssl = f.channel().pipeline().get(io.netty.handler.ssl.SslHandler.class);
                    if (ssl == null) {
                        p.setSuccess(f.channel());
                    } else {
                        security.verified(f.channel(), ssl, endpoint).addListener(v -> {
                            if (v.isSuccess()) {
                                p.trySuccess(f.channel());
                            } else {
                                f.channel().close();
                                p.tryFailure(v.cause());
                            }
                        });
                    }
                } else {
                    cluster.connections.decrementAndGet();
                    p.setFailure(done.cause());
                }
            });
            return p;
        }

        void close() {
            Future<Channel> p = parent;
            if (p != null && p.isSuccess()) {
                ((Channel) p.getNow()).close();
            }
        }
    }

    /**
     * A connection of the cluster closed (or failed to open): its slot goes to the oldest waiting request,
     * whichever loop and endpoint it waits on.
     */
    private static void connectionGone(ClusterRuntime cluster) {
        cluster.connections.decrementAndGet();
        Waiter w;
        while ((w = cluster.waiters.pollFirst()) != null) {
            cluster.pendingRequests.decrementAndGet();
            if (w.promise.isDone()) {
                continue;
            }
            Waiter next = w;
            next.pool.loop.execute(() -> {
                if (next.promise.isDone()) {
                    return;
                }
                if (cluster.connections.incrementAndGet() <= cluster.config().connectionPool().maxConnections()) {
                    next.pool.connect(next.promise, cluster);
                } else {
                    // the slot was taken meanwhile: wait again, first in line
                    cluster.connections.decrementAndGet();
                    cluster.pendingRequests.incrementAndGet();
                    cluster.waiters.addFirst(next);
                }
            });
            return;
        }
    }

    static String describe(Throwable t) {
        if (t == null) {
            return "unknown";
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
