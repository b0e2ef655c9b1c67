package dev.loopmesh.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.AbstractEventExecutorGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a request on one thread from proxy to proxy to app. Every hop of a mesh is a loopback
 * connection between two channels of the same event-loop group; when the accepting side lands on
 * another thread than the connecting side, each hop costs a cross-thread wake-up (a futex and a
 * context switch, tens of microseconds on a small VM) in each direction. Here, a connection the mesh
 * opens is bound to its local port before it connects, the port is remembered with the connecting
 * channel's event loop, and the listeners' child group registers the accepted channel on that same
 * loop, as Envoy keeps a connection on the worker that accepted it. Connections from outside (curl,
 * the bench client) are spread over the loops as usual.
 */
final class LoopAffinity {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final EventLoopGroup group;
    /** {@code -Dloopmesh.noAffinity=true} spreads accepted connections as Netty does (to measure what affinity gains); read once, not per accept. */
    private final boolean disabled = Boolean.getBoolean("loopmesh.noAffinity");
    private final Map<SocketAddress, EventLoop> outgoing = new ConcurrentHashMap<>();
    private final ChildGroup children = new ChildGroup();

    LoopAffinity(EventLoopGroup group) {
        this.group = group;
    }

    /** The group listeners register accepted channels with. */
    EventLoopGroup children() {
        return children;
    }

    /** Open connections the affinity map knows of (for tests and leak checks). */
    int tracked() {
        return outgoing.size();
    }

    /**
     * Connects a channel of {@code bootstrap} to a loopback {@code remote}: register, bind the local
     * port, remember it, then connect. Completes as {@link Bootstrap#connect(SocketAddress)} does.
     */
    ChannelFuture connect(Bootstrap bootstrap, InetSocketAddress remote) {
        if (!remote.getAddress().isLoopbackAddress()) {
            return bootstrap.connect(remote);
        }
        ChannelFuture registered = bootstrap.register();
        Channel ch = registered.channel();
        ChannelPromise done = ch.newPromise();
        registered.addListener(r -> {
            if (!r.isSuccess()) {
                done.tryFailure(r.cause());
                return;
            }
            ch.bind(new InetSocketAddress(LOOPBACK, 0)).addListener(b -> {
                if (!b.isSuccess()) {
                    ch.close();
                    done.tryFailure(b.cause());
                    return;
                }
                SocketAddress local = ch.localAddress();
                EventLoop loop = ch.eventLoop();
                if (local != null) {
                    outgoing.put(local, loop);
                    ch.closeFuture().addListener(c -> outgoing.remove(local, loop));
                }
                ch.connect(remote, done);
            });
        });
        return done;
    }

    /** The loop an accepted channel should run on: its peer's, when the peer is a channel of the mesh. */
    private EventLoop loopFor(Channel accepted) {
        SocketAddress peer = accepted.remoteAddress();
        EventLoop loop = peer == null || disabled ? null : outgoing.get(peer);
        return loop != null ? loop : group.next();
    }

    /** Delegates to the shared group; only where an accepted channel registers differs. */
    private final class ChildGroup extends AbstractEventExecutorGroup implements EventLoopGroup {
        @Override
        public EventLoop next() {
            return group.next();
        }

        @Override
        public ChannelFuture register(Channel channel) {
            return loopFor(channel).register(channel);
        }

        @Override
        public ChannelFuture register(ChannelPromise promise) {
            return loopFor(promise.channel()).register(promise);
        }

        @Override
        @Deprecated
        public ChannelFuture register(Channel channel, ChannelPromise promise) {
            return loopFor(channel).register(promise);
        }

        @Override
        public boolean isShuttingDown() {
            return group.isShuttingDown();
        }

        @Override
        public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
            return group.shutdownGracefully(quietPeriod, timeout, unit);
        }

        @Override
        public Future<?> terminationFuture() {
            return group.terminationFuture();
        }

        @Override
        @Deprecated
        public void shutdown() {
            group.shutdownGracefully();
        }

        @Override
        public Iterator<EventExecutor> iterator() {
            return group.iterator();
        }

        @Override
        public boolean isShutdown() {
            return group.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return group.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return group.awaitTermination(timeout, unit);
        }
    }
}
