package dev.loopmesh.workload;

import dev.loopmesh.topology.CallSpec;
import dev.loopmesh.topology.LatencySpec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class H2cTest {
    private final TestMesh mesh = new TestMesh();

    @AfterEach
    void tearDown() {
        mesh.close();
    }

    @Test
    void anHttp2RequestWithPriorKnowledgeGetsTheCallTree() throws Exception {
        mesh.start("ratings", TestMesh.behavior(LatencySpec.ZERO, List.of()));
        mesh.start("reviews", TestMesh.behavior(LatencySpec.ZERO, List.<CallSpec>of(TestMesh.call("ratings", null, 1, List.of()))));
        InetSocketAddress a = mesh.addresses.get("reviews");

        Channel connection = new Bootstrap().group(mesh.loops.group()).channel(mesh.loops.socketChannel())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build());
                        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                }).connect(a).sync().channel();
        try {
            CompletableFuture<String> answer = new CompletableFuture<>();
            StringBuilder status = new StringBuilder();
            StringBuilder body = new StringBuilder();
            Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection).handler(new SimpleChannelInboundHandler<Http2StreamFrame>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
                    boolean end = false;
                    if (frame instanceof Http2HeadersFrame h) {
                        status.append(h.headers().status());
                        end = h.isEndStream();
                    } else if (frame instanceof Http2DataFrame d) {
                        body.append(d.content().toString(StandardCharsets.UTF_8));
                        end = d.isEndStream();
                    }
                    if (end) {
                        answer.complete(status + " " + body);
                    }
                }
            }).open().sync().getNow();
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").path("/reviews/0")
                    .scheme("http").authority("reviews:9080").add("x-request-id", "h2-1"), true));

            String got = answer.get(10, TimeUnit.SECONDS);

            assertThat(got).startsWith("200 ");
            CallTree tree = CallTreeJson.parse(got.substring(4));
            assertThat(tree.service()).isEqualTo("reviews");
            assertThat(tree.calls()).singleElement().extracting(CallTree::status).isEqualTo(200);
        } finally {
            connection.close().sync();
        }
    }

    @Test
    void anHttp11UpgradeToH2cIsServed() throws Exception {
        mesh.start("details", TestMesh.behavior(LatencySpec.ZERO, List.of()));
        // the JDK client asks for h2c with "Upgrade: h2c" on a plain http:// URI
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpRequest get = HttpRequest.newBuilder(mesh.uri("details", "/details/0")).timeout(Duration.ofSeconds(10)).build();

        HttpResponse<String> first = h2.send(get, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> second = h2.send(get, HttpResponse.BodyHandlers.ofString());

        assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(CallTreeJson.parse(first.body()).service()).isEqualTo("details");
        assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(CallTreeJson.parse(second.body()).service()).isEqualTo("details");
    }
}
