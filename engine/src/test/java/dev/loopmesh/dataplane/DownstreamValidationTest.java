package dev.loopmesh.dataplane;

import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.internal.EventLoops;
import dev.loopmesh.internal.TimeScale;
import dev.loopmesh.policy.resilience.RetryPolicy;
import dev.loopmesh.policy.routing.RoutingDecision;
import dev.loopmesh.telemetry.Telemetry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request decoder's strictness, on an EmbeddedChannel carrying the HTTP/1.1 pipeline a proxy
 * installs ({@link ProtocolDetector#http1}): what Envoy refuses, Loopmesh refuses.
 */
class DownstreamValidationTest {
    private static EventLoops loops;
    private static Proxy gateway;

    /** A gateway that answers every request it routes itself, so that nothing here needs an upstream. */
    @BeforeAll
    static void startGateway() {
        loops = new EventLoops(1);
        RoutingDecision answered = new RoutingDecision(RoutingDecision.Outcome.DIRECT_RESPONSE, "", -1, "direct", "", "", "", 0,
                null, null, null, null, null, RetryPolicy.NONE, null, List.of(), 200, "routed", null, List.of());
        ProxySnapshot snapshot = new ProxySnapshot(Registry.GATEWAY, 1, (request, random) -> answered, Map.of(), null, List.of());
        gateway = Proxy.gateway(new ProxyIdentity(Registry.GATEWAY, "istio-ingressgateway", "istio-system", "istio-ingressgateway",
                "", "", "127.0.0.1"), loops, new Telemetry(), TimeScale.REAL, 1, snapshot);
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
        loops.close();
    }

    /** What the decoders handed the proxy's DownstreamHandler, and what the client was answered. */
    private record Decoded(List<DecoderResult> results, String body, String answer, boolean open) {
        boolean failed() {
            return results.stream().anyMatch(DecoderResult::isFailure);
        }

        Throwable cause() {
            return results.stream().filter(DecoderResult::isFailure).findFirst().map(DecoderResult::cause).orElse(null);
        }
    }

    private static Decoded decode(String raw) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast("accepted", new ChannelInboundHandlerAdapter());
        ProtocolDetector.http1(ch.pipeline(), "accepted", gateway, ListenerMode.GATEWAY);
        List<DecoderResult> results = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        ch.pipeline().addBefore("downstream", "seen", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpObject) {
                    results.add(((HttpObject) msg).decoderResult());
                }
                if (msg instanceof HttpContent) {
                    body.append(((HttpContent) msg).content().toString(StandardCharsets.ISO_8859_1));
                }
                ctx.fireChannelRead(msg);
            }
        });
        ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
        ch.runPendingTasks();
        StringBuilder answer = new StringBuilder();
        for (ByteBuf out = ch.readOutbound(); out != null; out = ch.readOutbound()) {
            answer.append(out.toString(StandardCharsets.ISO_8859_1));
            out.release();
        }
        boolean open = ch.isOpen();
        ch.finishAndReleaseAll();
        return new Decoded(results, body.toString(), answer.toString(), open);
    }

    @Test
    void aWellFormedRequestDecodes() {
        Decoded d = decode("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");

        assertThat(d.failed()).isFalse();
        assertThat(d.body()).isEqualTo("hi");
        assertThat(d.answer()).startsWith("HTTP/1.1 200 ").endsWith("routed");
        assertThat(d.open()).isTrue();
    }

    // Envoy rejects these by default (http_connection_manager: no allow_chunked_length, strict header validation)
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n",
        "GET / HTTP/1.1\\r\\nHost: x\\r\\nBad Name: v\\r\\n\\r\\n",
        "GET / HTTP/1.1\\r\\nHost: x\\r\\n: empty\\r\\n\\r\\n",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n",
        "GET / HTTP/1.1\\r\\nHost: x\\r\\nX: a\\u0000b\\r\\n\\r\\n",
    })
    void ambiguousOrMalformedRequestsFailToDecode(String escaped) {
        String raw = escaped.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\0");
        Decoded d = decode(raw);

        assertThat(d.failed()).as(escaped).isTrue();
        assertThat(d.answer()).as(escaped).startsWith("HTTP/1.1 400 Bad Request").containsIgnoringCase("connection: close");
        assertThat(d.open()).as(escaped).isFalse();
    }

    @Test
    void anOverlongRequestLineFailsAsTooLong() {
        Decoded d = decode("GET /" + "a".repeat(StrictRequestDecoder.MAX_INITIAL_LINE) + " HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(d.cause()).isInstanceOf(io.netty.handler.codec.http.TooLongHttpLineException.class);
        assertThat(d.answer()).startsWith("HTTP/1.1 414 ");
    }

    @Test
    void aClientThatNeverFinishesItsHeadersIsClosed() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestHeadersTimeout(10, java.util.concurrent.TimeUnit.MILLISECONDS));
        ByteBuf partial = Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n", StandardCharsets.US_ASCII);
        ch.writeInbound(partial);
        ch.advanceTimeBy(20, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void aClientThatFinishesItsHeadersInTimeStaysOpen() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestHeadersTimeout(10, java.util.concurrent.TimeUnit.MILLISECONDS));
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
        ch.advanceTimeBy(20, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }
}
