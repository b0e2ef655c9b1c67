package dev.loopmesh.mesh;

import dev.loopmesh.telemetry.RequestRecord;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bodies stream through the proxies (Envoy buffers a body only where a retry or mirror needs it): a
 * response reaches the client while its upstream is still sending it, a response larger than any
 * buffer passes whole, and a client that stops reading stops the upstream (backpressure), hop by hop.
 */
class StreamingMeshTest {
    private static final int CHUNK = 64 * 1024;
    private static final long BIG = 96L * 1024 * 1024;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final CompletableFuture<Void> releaseSecondPart = new CompletableFuture<>();
    /** Bytes of the big body the backend's socket accepted so far. */
    private final AtomicLong written = new AtomicLong();
    /** What the backend read of the request bodies so far (small ones). */
    private final StringBuffer bodySeen = new StringBuffer();
    private final java.util.concurrent.atomic.AtomicInteger echoes = new java.util.concurrent.atomic.AtomicInteger();
    private Channel server;
    private MeshFixture f;

    @BeforeEach
    void setUp() {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new Backend());
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        f = MeshFixture.start("""
                apiVersion: loopmesh.dev/v1
                kind: Mesh
                metadata: {name: streaming}
                spec:
                  services:
                  - name: files
                    port: 8080
                    workloads: [{version: v1, external: {host: 127.0.0.1, port: %d}}]
                  ingress: {routes: [{prefix: /, service: files}]}
                """.formatted(port));
    }

    @AfterEach
    void tearDown() {
        if (f != null) {
            f.close();
        }
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void theClientGetsTheFirstPartOfAResponseWhileTheUpstreamStillHoldsTheRest() throws IOException {
        try (Socket s = request("/trickle")) {
            InputStream in = s.getInputStream();
            String head = readUntil(in, "first-part");
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked");
            // only now may the backend finish: had a proxy waited for the whole body, the read above never returned
            releaseSecondPart.complete(null);
            String rest = readUntil(in, "\r\n0\r\n\r\n");
            assertThat(rest).contains("second-part");
        }
        await().untilAsserted(() -> assertThat(f.mesh.telemetry().accessLog().last("files-v1-0", 10))
                .filteredOn(r -> r.path().equals("/trickle"))
                .extracting(RequestRecord::status, RequestRecord::responseBytes)
                .contains(org.assertj.core.groups.Tuple.tuple(200, (long) "first-part\nsecond-part\n".length())));
    }

    @Test
    void aClientThatStopsReadingStopsTheUpstreamAndThenGetsEveryByte() throws IOException {
        try (Socket s = request("/big")) {
            InputStream in = s.getInputStream();
            String head = readUntil(in, "\r\n\r\n");
            assertThat(head).startsWith("HTTP/1.1 200").contains("content-length: " + BIG);
            // the client reads nothing more: the socket buffers of each hop fill, then the backend must wait
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> written.get() < BIG / 2);
            long body = 0;
            byte[] buf = new byte[CHUNK];
            for (int n; (n = in.read(buf)) > 0; ) {
                body += n;
            }
            assertThat(body).isEqualTo(BIG);
        }
        await().untilAsserted(() -> assertThat(f.mesh.telemetry().accessLog().last("files-v1-0", 10))
                .filteredOn(r -> r.path().equals("/big"))
                .extracting(RequestRecord::responseBytes).containsOnly(BIG));
    }

    @Test
    void theUpstreamGetsTheFirstPartOfARequestBodyWhileTheClientStillSendsTheRest() throws IOException {
        assertThat(uploadInTwoParts("/echo")).startsWith("HTTP/1.1 200").endsWith("first-part\nsecond-part\n");
    }

    @Test
    void aStreamedRequestBodyWithinTheRetryBufferIsSentAgainWhenTheAttemptIsRetried() throws IOException {
        // the gateway's default retry policy retries a 503; Envoy keeps the body for it up to its buffer limit
        assertThat(uploadInTwoParts("/echo-503-first")).startsWith("HTTP/1.1 200").endsWith("first-part\nsecond-part\n");
        assertThat(echoes.get()).isEqualTo(2);
    }

    /**
     * Sends a chunked body in two parts, the second only once the backend has read the first (had a proxy
     * waited for the whole body, the backend would see nothing before it all came); returns the answer.
     */
    private String uploadInTwoParts(String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", f.mesh.ingressAddress().getPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: files\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(chunk("first-part\n"));
            out.flush();
            await().atMost(Duration.ofSeconds(20)).until(() -> bodySeen.toString().contains("first-part"));
            out.write(chunk("second-part\n"));
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void overHttp2ARequestBodyStreamsToTheUpstreamToo() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + f.mesh.ingressAddress().getPort() + "/echo");
        // the first request upgrades the connection (Upgrade: h2c); the next one is an HTTP/2 stream
        var upgrade = client.send(java.net.http.HttpRequest.newBuilder(uri).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(upgrade.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
        try (var body = new java.util.concurrent.SubmissionPublisher<java.nio.ByteBuffer>()) {
            var answer = client.sendAsync(java.net.http.HttpRequest.newBuilder(uri)
                            .POST(java.net.http.HttpRequest.BodyPublishers.fromPublisher(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(20)).until(() -> body.getNumberOfSubscribers() > 0);
            body.submit(java.nio.ByteBuffer.wrap("first-part\n".getBytes(StandardCharsets.US_ASCII)));
            await().atMost(Duration.ofSeconds(20)).until(() -> bodySeen.toString().contains("first-part"));
            body.submit(java.nio.ByteBuffer.wrap("second-part\n".getBytes(StandardCharsets.US_ASCII)));
            body.close();
            var res = answer.get(20, TimeUnit.SECONDS);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
            assertThat(res.body()).isEqualTo("first-part\nsecond-part\n");
        }
    }

    @Test
    void anUploadLargerThanAnyBufferStreamsThrough() throws IOException {
        try (Socket s = new Socket("127.0.0.1", f.mesh.ingressAddress().getPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: files\r\nConnection: close\r\nContent-Length: " + BIG + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] block = new byte[CHUNK];
            for (long sent = 0; sent < BIG; sent += CHUNK) {
                out.write(block);
            }
            out.flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200").endsWith("got " + BIG + " bytes");
        }
        await().untilAsserted(() -> assertThat(f.mesh.telemetry().accessLog().last("files-v1-0", 10))
                .filteredOn(r -> r.path().equals("/upload"))
                .extracting(RequestRecord::requestBytes).containsOnly(BIG));
    }

    private static byte[] chunk(String text) {
        return (Integer.toHexString(text.length()) + "\r\n" + text + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private Socket request(String path) throws IOException {
        Socket s = new Socket("127.0.0.1", f.mesh.ingressAddress().getPort());
        s.setSoTimeout(20_000);
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: files\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return s;
    }

    /** Reads byte by byte until {@code marker} was read (so nothing past it is consumed). */
    private static String readUntil(InputStream in, String marker) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (!seen.toString(StandardCharsets.ISO_8859_1).endsWith(marker)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before " + marker.strip() + "; got: " + seen.toString(StandardCharsets.ISO_8859_1));
            }
            seen.write(b);
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Answers /trickle in two parts (the second when the test says), /big with {@link #BIG} bytes; reads
     * /upload and /echo bodies as they come and answers at their end (/echo-503-first: 503 the first time).
     */
    private final class Backend extends ChannelInboundHandlerAdapter {
        private String path = "";
        private long bodyBytes;
        private final StringBuilder body = new StringBuilder();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest) {
                    path = ((HttpRequest) msg).uri();
                    bodyBytes = 0;
                    body.setLength(0);
                    if (path.equals("/trickle")) {
                        trickle(ctx);
                    } else if (path.equals("/big")) {
                        big(ctx);
                    }
                }
                if (msg instanceof HttpContent && (path.equals("/upload") || path.startsWith("/echo"))) {
                    ByteBuf data = ((HttpContent) msg).content();
                    bodyBytes += data.readableBytes();
                    if (path.startsWith("/echo")) {
                        String text = data.toString(StandardCharsets.ISO_8859_1);
                        body.append(text);
                        bodySeen.append(text);
                    }
                    if (msg instanceof io.netty.handler.codec.http.LastHttpContent) {
                        answer(ctx);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void answer(ChannelHandlerContext ctx) {
            int n = path.startsWith("/echo") ? echoes.incrementAndGet() : 0;
            boolean fail = path.equals("/echo-503-first") && n == 1;
            String text = path.equals("/upload") ? "got " + bodyBytes + " bytes" : body.toString();
            var res = new io.netty.handler.codec.http.DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    fail ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(fail ? "" : text, StandardCharsets.ISO_8859_1));
            HttpUtil.setContentLength(res, res.content().readableBytes());
            ctx.writeAndFlush(res);
        }

        private void trickle(ChannelHandlerContext ctx) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.write(head);
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("first-part\n", StandardCharsets.US_ASCII)));
            releaseSecondPart.thenRun(() -> ctx.executor().execute(() ->
                    ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.copiedBuffer("second-part\n", StandardCharsets.US_ASCII)))));
        }

        private void big(ChannelHandlerContext ctx) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpUtil.setContentLength(head, BIG);
            ctx.write(head);
            ByteBuf chunk = Unpooled.wrappedBuffer(new byte[CHUNK]);
            for (long sent = 0; sent < BIG; sent += CHUNK) {
                HttpContent c = sent + CHUNK >= BIG ? new DefaultLastHttpContent(chunk.retainedDuplicate())
                        : new DefaultHttpContent(chunk.retainedDuplicate());
                ctx.write(c).addListener(w -> written.addAndGet(CHUNK));
                if (sent % (16 * CHUNK) == 0) {
                    ctx.flush();
                }
            }
            ctx.flush();
            chunk.release();
        }
    }
}
