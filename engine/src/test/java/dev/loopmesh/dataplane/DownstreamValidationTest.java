package dev.loopmesh.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The request decoder's strictness, on an EmbeddedChannel: what Envoy refuses, Loopmesh refuses. */
class DownstreamValidationTest {

    private static FullHttpRequest decode(String raw) {
        EmbeddedChannel ch = new EmbeddedChannel(new StrictRequestDecoder(), new HttpObjectAggregator(1 << 20));
        ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
        FullHttpRequest req = ch.readInbound();
        ch.finishAndReleaseAll();
        return req;
    }

    @Test
    void aWellFormedRequestDecodes() {
        FullHttpRequest req = decode("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
        try {
            assertThat(req.decoderResult().isSuccess()).isTrue();
            assertThat(req.content().toString(StandardCharsets.US_ASCII)).isEqualTo("hi");
        } finally {
            req.release();
        }
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
        FullHttpRequest req = decode(raw);
        try {
            assertThat(req.decoderResult().isFailure()).as(escaped).isTrue();
        } finally {
            req.release();
        }
    }

    @Test
    void anOverlongRequestLineFailsAsTooLong() {
        FullHttpRequest req = decode("GET /" + "a".repeat(StrictRequestDecoder.MAX_INITIAL_LINE) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        try {
            assertThat(req.decoderResult().cause()).isInstanceOf(io.netty.handler.codec.http.TooLongHttpLineException.class);
        } finally {
            req.release();
        }
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
