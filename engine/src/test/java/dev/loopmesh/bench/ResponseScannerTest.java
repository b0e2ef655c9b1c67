package dev.loopmesh.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResponseScannerTest {
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nCONTENT-LENGTH: 5\r\n\r\nhello";
    private static final String NOT_FOUND = "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n";

    private final ResponseScanner scanner = new ResponseScanner();
    private final List<Integer> statuses = new ArrayList<>();

    private void feed(String s) {
        ByteBuf b = Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
        try {
            scanner.feed(b, statuses::add);
            assertThat(b.readableBytes()).isZero();
        } finally {
            b.release();
        }
    }

    @Test
    void findsBackToBackResponsesInOneRead() {
        feed(OK + NOT_FOUND + OK);
        assertThat(statuses).containsExactly(200, 404, 200);
        assertThat(scanner.idle()).isTrue();
    }

    @Test
    void findsAResponseSplitAtEveryByte() {
        String both = OK + NOT_FOUND;
        for (int i = 0; i < both.length(); i++) {
            feed(both.substring(i, i + 1));
        }
        assertThat(statuses).containsExactly(200, 404);
    }

    @Test
    void waitsForTheWholeBody() {
        feed(OK.substring(0, OK.length() - 2));
        assertThat(statuses).isEmpty();
        assertThat(scanner.idle()).isFalse();
        feed("lo");
        assertThat(statuses).containsExactly(200);
    }

    @Test
    void refusesAResponseWithoutContentLength() {
        assertThatThrownBy(() -> feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Content-Length");
    }

    @Test
    void refusesWhatIsNotHttp() {
        assertThatThrownBy(() -> feed("SSH-2.0-OpenSSH\r\n\r\n")).isInstanceOf(IllegalStateException.class);
    }
}
