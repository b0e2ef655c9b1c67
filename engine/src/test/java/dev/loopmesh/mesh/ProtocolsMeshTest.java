package dev.loopmesh.mesh;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Protocols other than HTTP/1.1 through the sidecars: gRPC over HTTP/2 with trailers, plain TCP. */
class ProtocolsMeshTest {

    @Test
    void aTcpServiceIsRelayedByteForByteAndCountedInIstioTcpMetrics() throws Exception {
        try (MeshFixture f = MeshFixture.start("""
                apiVersion: loopmesh.dev/v1
                kind: Mesh
                metadata: {name: tcp}
                spec:
                  services:
                  - {name: db, port: 5432, protocol: tcp, workloads: [{version: v1}]}
                """)) {
            var pod = f.mesh.registry().pod("db-v1-0").orElseThrow();
            try (Socket s = new Socket(pod.address(), pod.inboundPort())) {
                s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                assertThat(line).contains("db-v1-0");
            }
            org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(f.mesh.telemetry().metrics().scrape())
                    .containsPattern("istio_tcp_connections_opened_total\\{[^}]*destination_workload=\"db-v1\"[^}]*} 1.0")
                    .containsPattern("istio_tcp_received_bytes_total\\{[^}]*destination_workload=\"db-v1\"[^}]*} 6.0"));
        }
    }

    @Test
    void grpcGoesUpstreamOverHttp2WithItsTrailersAndUnavailableIsRetried() throws Exception {
        // Istio's default retry policy retries gRPC "unavailable" (status 14). Envoy decides on the response headers,
        // so only a trailers-only answer (how a gRPC server fails before its first message) is retried; a status in
        // the trailers after a message is carried through as it is
        AtomicInteger calls = new AtomicInteger();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = grpcServer(group, (ctx, req) -> {
                int n = calls.incrementAndGet();
                if (n == 1) {
                    var only = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                            Unpooled.EMPTY_BUFFER);
                    only.headers().set("content-type", "application/grpc").set("grpc-status", "14");
                    ctx.writeAndFlush(only);
                    return;
                }
                var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0, 2, 8, 42}));
                res.headers().set("content-type", "application/grpc");
                res.trailingHeaders().set("grpc-status", n == 2 ? "0" : "14");
                ctx.writeAndFlush(res);
            });
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            try (MeshFixture f = grpcMesh(port)) {
                try (Socket s = new Socket("127.0.0.1", f.mesh.ingressAddress().getPort())) {
                    s.getOutputStream().write(("POST /inventory.Inventory/GetStock HTTP/1.1\r\nHost: inventory\r\ncontent-type: application/grpc\r\n"
                            + "te: trailers\r\ncontent-length: 5\r\nconnection: close\r\n\r\n\0\0\0\0\0").getBytes(StandardCharsets.ISO_8859_1));
                    String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked")
                            .contains("grpc-status: 0");
                }
                assertThat(calls.get()).isEqualTo(2);
                try (Socket s = new Socket("127.0.0.1", f.mesh.ingressAddress().getPort())) {
                    s.getOutputStream().write(("POST /inventory.Inventory/GetStock HTTP/1.1\r\nHost: inventory\r\ncontent-type: application/grpc\r\n"
                            + "te: trailers\r\ncontent-length: 5\r\nconnection: close\r\n\r\n\0\0\0\0\0").getBytes(StandardCharsets.ISO_8859_1));
                    String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    assertThat(answer).startsWith("HTTP/1.1 200").contains("grpc-status: 14");
                }
                assertThat(calls.get()).as("a status in the trailers, after a message, is not retried").isEqualTo(3);
                // Istio's stats filter: request_protocol "grpc" and the grpc-status of the trailers, on both reporters
                var registry = f.mesh.telemetry().metrics().registry();
                org.awaitility.Awaitility.await().untilAsserted(() -> {
                    assertThat(registry.find("istio_requests").tags("reporter", "source", "request_protocol", "grpc",
                            "grpc_response_status", "0", "destination_workload", "inventory-v1").counter()).isNotNull();
                    assertThat(registry.find("istio_requests").tags("reporter", "destination", "request_protocol", "grpc",
                            "grpc_response_status", "14").counter().count()).isEqualTo(2.0);
                    assertThat(registry.find("istio_requests").tags("reporter", "destination", "grpc_response_status", "0")
                            .counter().count()).isEqualTo(1.0);
                });
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aServerStreamingGrpcCallReachesTheClientMessageByMessageWithItsTrailers() throws Exception {
        // gRPC server streaming over an HTTP/2 upstream: each message passes when it is sent, the status at the end
        java.util.concurrent.CompletableFuture<Void> release = new java.util.concurrent.CompletableFuture<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = grpcServer(group, (ctx, req) -> {
                var head = new io.netty.handler.codec.http.DefaultHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.OK);
                head.headers().set("content-type", "application/grpc");
                ctx.write(head);
                ctx.writeAndFlush(new io.netty.handler.codec.http.DefaultHttpContent(
                        Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0, 3, 'o', 'n', 'e'})));
                release.thenRun(() -> ctx.executor().execute(() -> {
                    var last = new io.netty.handler.codec.http.DefaultLastHttpContent(
                            Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0, 3, 't', 'w', 'o'}));
                    last.trailingHeaders().set("grpc-status", "0");
                    ctx.writeAndFlush(last);
                }));
            });
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            try (MeshFixture f = grpcMesh(port);
                 Socket s = new Socket("127.0.0.1", f.mesh.ingressAddress().getPort())) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(("POST /inventory.Inventory/Watch HTTP/1.1\r\nHost: inventory\r\ncontent-type: application/grpc\r\n"
                        + "te: trailers\r\ncontent-length: 5\r\nconnection: close\r\n\r\n\0\0\0\0\0").getBytes(StandardCharsets.ISO_8859_1));
                var in = s.getInputStream();
                StringBuilder seen = new StringBuilder();
                while (!seen.toString().endsWith("one")) {
                    int b = in.read();
                    assertThat(b).as("the first message before the stream ends; got %s", seen).isNotNegative();
                    seen.append((char) b);
                }
                // the server sends its second message and status only now
                release.complete(null);
                String rest = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(seen.toString()).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked");
                assertThat(rest).contains("two").contains("grpc-status: 0");
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** A mesh whose grpc service inventory is the server on {@code port}, behind the ingress. */
    private static MeshFixture grpcMesh(int port) {
        return MeshFixture.start("""
                apiVersion: loopmesh.dev/v1
                kind: Mesh
                metadata: {name: grpc}
                spec:
                  services:
                  - name: inventory
                    port: 50051
                    protocol: grpc
                    workloads: [{version: v1, external: {host: 127.0.0.1, port: %d}}]
                  ingress: {routes: [{prefix: /, service: inventory}]}
                """.formatted(port));
    }

    /** An HTTP/2 (prior knowledge) server on loopback that hands each whole request to {@code answer}. */
    private static Channel grpcServer(EventLoopGroup group,
                                      java.util.function.BiConsumer<ChannelHandlerContext, FullHttpRequest> answer) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(), new Http2MultiplexHandler(
                                new ChannelInitializer<Channel>() {
                                    @Override
                                    protected void initChannel(Channel stream) {
                                        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                                                new HttpObjectAggregator(1 << 20), new SimpleChannelInboundHandler<FullHttpRequest>() {
                                                    @Override
                                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                                        answer.accept(ctx, req);
                                                    }
                                                });
                                    }
                                }));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    @Test
    void aLocalReplyToAGrpcCallIsTrailersOnlyAndItsStatusIsCounted() throws Exception {
        // Envoy sendLocalReply: "Respond with a gRPC trailers-only response if the request is gRPC", status 200 and
        // grpc-status from httpToGrpcStatus (503 → 14 UNAVAILABLE); Istio labels the request with that grpc status
        int closed;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = ss.getLocalPort();
        }
        try (MeshFixture f = grpcMesh(closed)) {
            try (Socket s = new Socket("127.0.0.1", f.mesh.ingressAddress().getPort())) {
                s.getOutputStream().write(("POST /inventory.Inventory/GetStock HTTP/1.1\r\nHost: inventory\r\ncontent-type: application/grpc\r\n"
                        + "te: trailers\r\ncontent-length: 5\r\nconnection: close\r\n\r\n\0\0\0\0\0").getBytes(StandardCharsets.ISO_8859_1));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(answer).startsWith("HTTP/1.1 200").contains("content-type: application/grpc", "grpc-status: 14",
                        "grpc-message: ");
            }
            var registry = f.mesh.telemetry().metrics().registry();
            org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(registry.find("istio_requests")
                    .tags("reporter", "source", "request_protocol", "grpc", "response_code", "200", "grpc_response_status", "14")
                    .counter()).isNotNull());
        }
    }
}
