package dev.loopmesh.workload;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.internal.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelHandler.Sharable;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * One pod's emulated app: a Netty server on {@code pod.appHost():pod.appPort()}. It can be stopped and
 * started again (a pod restart), or paused (a frozen process: nothing accepted, nothing read).
 */
public final class WorkloadServer {
    private final WorkloadRuntime rt;
    private final EventLoops loops;
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private final Tracker tracker = new Tracker();
    private volatile Channel server;
    private volatile boolean paused;

    public WorkloadServer(WorkloadRuntime runtime, EventLoops loops) {
        this.rt = requireNonNull(runtime, "runtime");
        this.loops = requireNonNull(loops, "loops");
    }

    public PodInfo pod() {
        return rt.pod();
    }

    /** Requests (or TCP chunks) answered so far. */
    public long served() {
        return rt.served().sum();
    }

    public boolean isRunning() {
        Channel s = server;
        return s != null && s.isActive();
    }

    public boolean isPaused() {
        return paused;
    }

    /** Binds the pod's app address; completes with the bound address, or fails naming the pod and address. */
    public synchronized CompletableFuture<InetSocketAddress> start() {
        if (isRunning()) {
            return CompletableFuture.completedFuture((InetSocketAddress) server.localAddress());
        }
        paused = false;
        CompletableFuture<InetSocketAddress> result = new CompletableFuture<>();
        InetSocketAddress address = new InetSocketAddress(rt.pod().appHost(), rt.pod().appPort());
        ChannelFuture bind = new ServerBootstrap()
                .group(loops.group(), loops.childGroup())
                .channel(loops.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .handler(tracker)
                .childHandler(new WorkloadInitializer(rt))
                .bind(address);
        server = bind.channel();
        bind.addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                result.complete((InetSocketAddress) f.channel().localAddress());
            } else {
                result.completeExceptionally(new IllegalStateException(
                        "pod " + rt.pod().name() + ": cannot listen on " + address + ": " + f.cause().getMessage(), f.cause()));
            }
        });
        return result;
    }

    /** Closes the listener and every connection (a killed pod: in-flight requests get no answer). */
    public synchronized CompletableFuture<Void> stop() {
        Channel s = server;
        server = null;
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (s == null) {
            result.complete(null);
            return result;
        }
        s.close().addListener(f -> {
            // complete only when every connection is closed: a close from another loop is a queued task,
            // and the connection's own loop could still serve a request before running it
            List<CompletableFuture<Void>> closes = new ArrayList<>();
            for (Channel c : connections) {
                CompletableFuture<Void> closed = new CompletableFuture<>();
                c.close().addListener(x -> closed.complete(null));
                closes.add(closed);
            }
            CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).thenRun(() -> result.complete(null));
        });
        return result;
    }

    /** Stops accepting and reading, as a frozen process would; requests already read still finish. */
    public void pause() {
        setReading(false);
    }

    public void resume() {
        setReading(true);
    }

    private synchronized void setReading(boolean read) {
        paused = !read;
        Channel s = server;
        if (s != null) {
            s.config().setAutoRead(read);
        }
        for (Channel c : connections) {
            c.config().setAutoRead(read);
        }
    }

    /** Tracks accepted connections (for stop and pause); a connection accepted while paused starts paused. */
    @Sharable
    private final class Tracker extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel child = (Channel) msg;
            connections.add(child);
            child.closeFuture().addListener(f -> connections.remove(child));
            if (paused) {
                child.config().setAutoRead(false);
            }
            ctx.fireChannelRead(msg);
        }
    }
}
