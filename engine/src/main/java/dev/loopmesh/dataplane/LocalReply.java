package dev.loopmesh.dataplane;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** The answers a proxy makes itself (Envoy's local replies), before the exchange adds its own headers. */
final class LocalReply {
    private LocalReply() {
    }

    /** A plain answer: the status and, when there is one, a text/plain body. */
    static FullHttpResponse http(int status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(bytes));
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (bytes.length > 0) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
        }
        return res;
    }

    /**
     * Envoy's local reply to a gRPC request: trailers-only, HTTP 200 with {@code grpc-status} (and
     * {@code grpc-message}, percent-encoded, when there is a message).
     */
    static FullHttpResponse grpc(Object grpcStatus, String message) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, Grpc.CONTENT_TYPE).set(Grpc.STATUS, grpcStatus)
                .set(HttpHeaderNames.CONTENT_LENGTH, 0);
        if (!message.isEmpty()) {
            res.headers().set(Grpc.MESSAGE, Grpc.percentEncode(message));
        }
        return res;
    }

    /** A VirtualService redirect: the status (301 unless said) and the new location. */
    static FullHttpResponse redirect(int status, String location) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
        res.headers().set(HttpHeaderNames.LOCATION, location).set(HttpHeaderNames.CONTENT_LENGTH, 0);
        return res;
    }
}
