package dev.loopmesh.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LoopAffinityTest {
    private final EventLoops loops = new EventLoops(2);
    private final LinkedBlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
    private Channel server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        loops.close();
    }

    private InetSocketAddress listen() {
        server = new ServerBootstrap().group(loops.group(), loops.childGroup()).channel(loops.serverChannel())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.add(ch);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        return (InetSocketAddress) server.localAddress();
    }

    private Bootstrap client(EventLoop loop) {
        return new Bootstrap().group(loop).channel(loops.socketChannel()).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
            }
        });
    }

    @Test
    void aConnectionTheMeshOpensIsServedOnTheConnectingThread() throws Exception {
        InetSocketAddress address = listen();
        Iterator<?> it = loops.group().iterator();
        EventLoop first = (EventLoop) it.next();
        EventLoop second = (EventLoop) it.next();
        for (int i = 0; i < 6; i++) {
            EventLoop loop = i % 2 == 0 ? first : second;
            Channel c = loops.connect(client(loop), address).syncUninterruptibly().channel();
            Channel child = accepted.poll(10, TimeUnit.SECONDS);

            assertThat(child).isNotNull();
            assertThat(child.remoteAddress()).isEqualTo(c.localAddress());
            assertThat(child.eventLoop()).as("connection %d", i).isSameAs(loop);
            c.close().syncUninterruptibly();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> loops.affinityTracked() == 0);
    }

    @Test
    void otherConnectionsAreSpreadOverTheLoops() throws Exception {
        InetSocketAddress address = listen();
        EventLoop only = loops.group().next();
        java.util.Set<EventLoop> seen = new java.util.HashSet<>();
        for (int i = 0; i < 4; i++) {
            // a plain connect, as a client outside the mesh makes it: no affinity
            Channel c = client(only).connect(address).syncUninterruptibly().channel();
            Channel child = accepted.poll(10, TimeUnit.SECONDS);
            assertThat(child).isNotNull();
            seen.add(child.eventLoop());
            c.close().syncUninterruptibly();
        }

        assertThat(seen).hasSize(2);
        assertThat(loops.affinityTracked()).isZero();
    }

    @Test
    void aRefusedConnectionFailsTheFutureAndForgetsThePort() {
        InetSocketAddress address = listen();
        server.close().syncUninterruptibly();
        server = null;

        var f = loops.connect(client(loops.group().next()), address).awaitUninterruptibly();

        assertThat(f.isSuccess()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> loops.affinityTracked() == 0);
    }
}
