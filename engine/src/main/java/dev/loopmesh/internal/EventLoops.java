package dev.loopmesh.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The one event-loop group a mesh shares: every listener, upstream connection and workload runs on
 * it (epoll where available, else NIO), as many threads as cores.
 */
public final class EventLoops implements AutoCloseable {
    private final EventLoopGroup group;
    private final boolean epoll;
    private final LoopAffinity affinity;

    public EventLoops(int threads) {
        this.epoll = Epoll.isAvailable() && !Boolean.getBoolean("loopmesh.nio");
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("loopmesh", true), factory);
        this.affinity = new LoopAffinity(group);
    }

    public static EventLoops ofCores() {
        return new EventLoops(Math.max(1, Integer.getInteger("loopmesh.eventLoops", Runtime.getRuntime().availableProcessors())));
    }

    public EventLoopGroup group() {
        return group;
    }

    /**
     * The child group for the mesh's listeners: a connection another channel of this group opened
     * (with {@link #connect}) is served on that channel's thread, so a request crosses proxies and
     * apps without waking another thread.
     */
    public EventLoopGroup childGroup() {
        return affinity.children();
    }

    /** Connects as {@code bootstrap.connect(remote)} does, so that the accepting side stays on this loop. */
    public ChannelFuture connect(Bootstrap bootstrap, InetSocketAddress remote) {
        return affinity.connect(bootstrap, remote);
    }

    /** Connections opened with {@link #connect} and not closed yet. */
    public int affinityTracked() {
        return affinity.tracked();
    }

    public Class<? extends ServerChannel> serverChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends SocketChannel> socketChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public boolean isEpoll() {
        return epoll;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
