package dev.loopmesh.bench;

import dev.loopmesh.internal.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server may close the bench client's keep-alive connections: between phases (the sidecar closes a
 * connection that sends no request within its request-headers timeout, HAProxy and nginx close idle
 * ones) or in the middle of a request. Every request sent after that must still be answered; before,
 * requests queued for connections that no longer existed waited forever while every loop sat idle.
 */
class BenchClientReconnectTest {
    private static final byte[] GET = BenchTarget.get("bench-server:8080", "/");

    private EventLoops loops;
    private Server server;
    private BenchClient client;

    @BeforeEach
    void start() {
        loops = new EventLoops(1);
        client = new BenchClient();
    }

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.close();
        }
        loops.close();
    }

    @Test
    void aPhaseReopensTheConnectionsTheServerClosedWhileTheyWereIdle() {
        server = new Server(loops, n -> false);
        try (BenchClient.Connections c = client.connect(server.address(), GET, 4)) {
            assertThat(client.closedLoop(c, Duration.ofMillis(200)).completed()).isPositive();
            server.closeAll(); // as a keep-alive or request-headers timeout does
            await().until(() -> c.ready() == 0);

            BenchClient.Phase p = client.openLoop(c, 200, Duration.ofMillis(500));

            assertThat(p.unanswered()).isZero();
            assertThat(p.errors()).isZero();
            assertThat(p.completed()).isEqualTo(100);
            assertThat(p.reopened()).isEqualTo(4);
        }
    }

    @Test
    void connectionsDroppedMidRequestAreReplacedAndEveryOtherRequestIsAnswered() {
        // every 10th request is cut off unanswered, 6 times: more drops than connections
        server = new Server(loops, n -> n % 10 == 0 && n <= 60);
        try (BenchClient.Connections c = client.connect(server.address(), GET, 4)) {
            BenchClient.Phase p = client.openLoop(c, 200, Duration.ofSeconds(1));

            assertThat(server.dropped()).isEqualTo(6);
            assertThat(p.lost()).isEqualTo(6);
            assertThat(p.unanswered()).isZero();
            assertThat(p.completed()).isEqualTo(200 - 6);
            assertThat(p.errors()).isEqualTo(6);
            assertThat(p.errorStatuses()).isEmpty();
            assertThat(p.reopened()).isEqualTo(6);
        }
    }

    @Test
    void aSaturationPhaseKeepsEveryConnectionBusyAfterDrops() {
        // the first request of each of the 4 connections is cut off
        server = new Server(loops, n -> n <= 4);
        try (BenchClient.Connections c = client.connect(server.address(), GET, 4)) {
            BenchClient.Phase p = client.closedLoop(c, Duration.ofMillis(500));

            assertThat(p.lost()).isEqualTo(4);
            assertThat(p.unanswered()).isZero();
            assertThat(p.completed()).isPositive();
            // the replacements carry the load: the next phase starts from four connections, none reopened
            BenchClient.Phase next = client.openLoop(c, 200, Duration.ofMillis(250));
            assertThat(next.completed()).isEqualTo(50);
            assertThat(next.reopened()).isZero();
        }
    }

    /** An HTTP/1.1 server that answers 200 with a small body, except the requests {@code drop} picks (counted from 1 across connections), on which it closes the connection. */
    private static final class Server implements AutoCloseable {
        private final Channel channel;
        private final ChannelGroup accepted = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        private final AtomicInteger requests = new AtomicInteger();
        private final AtomicInteger dropped = new AtomicInteger();

        Server(EventLoops loops, IntPredicate drop) {
            channel = new ServerBootstrap().group(loops.group()).channel(loops.serverChannel())
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            accepted.add(ch);
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1024),
                                    new SimpleChannelInboundHandler<FullHttpRequest>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                            if (drop.test(requests.incrementAndGet())) {
                                                dropped.incrementAndGet();
                                                ctx.close();
                                                return;
                                            }
                                            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                                    Unpooled.wrappedBuffer(new byte[] {'o', 'k'}));
                                            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
                                            ctx.writeAndFlush(res);
                                        }
                                    });
                        }
                    })
                    .bind("127.0.0.1", 0).syncUninterruptibly().channel();
        }

        InetSocketAddress address() {
            return (InetSocketAddress) channel.localAddress();
        }

        int dropped() {
            return dropped.get();
        }

        void closeAll() {
            accepted.close().syncUninterruptibly();
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
            accepted.close().syncUninterruptibly();
        }
    }
}
