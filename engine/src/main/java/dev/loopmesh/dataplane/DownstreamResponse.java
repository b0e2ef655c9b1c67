package dev.loopmesh.dataplane;

import dev.loopmesh.policy.routing.RoutingDecision;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The answer of an exchange to its client: an upstream response streamed (its head, then its body
 * as it arrives, with the upstream paused while the client's socket is full), an upstream response
 * collected whole, or a local reply; the headers every answer carries; the write that ends the
 * exchange, and the connection's fate after it.
 */
final class DownstreamResponse {
    private DownstreamResponse() {
    }

    /** Writes the upstream's response head to the client; the body follows in {@link #onResponseContent}. */
    static void startStreaming(ProxyExchange x, HttpResponse head, int status) {
        HttpHeaders h = head.headers();
        x.upstreamReusable = HttpUtil.isKeepAlive(head);
        boolean framed = HttpUtil.isContentLengthSet(head) || HttpUtil.isTransferEncodingChunked(head);
        upstreamResponseHeaders(x, h);
        boolean bodyless = x.request.method() == io.netty.handler.codec.http.HttpMethod.HEAD || status == 204 || status == 304
                || status < 200;
        if (bodyless) {
            h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        } else if (!framed) {
            if (x.request.protocolVersion() == HttpVersion.HTTP_1_0) {
                // an HTTP/1.0 client reads a body without length to the end of the connection
                x.keepAlive = false;
            } else {
                // the body's length is not known (a close-delimited or HTTP/2 upstream): chunked to the client
                HttpUtil.setTransferEncodingChunked(head, true);
            }
        }
        decorate(x, h);
        x.streaming = true;
        x.streamStatus = status;
        x.streamHeaders = h;
        head.setProtocolVersion(HttpVersion.HTTP_1_1);
        x.down.write(head);
    }

    /** A part of the streamed response's body: to the client as it is; the last one ends the exchange. */
    static void onResponseContent(ProxyExchange x, HttpContent content) {
        if (!x.streaming || x.finished) {
            content.release();
            return;
        }
        x.streamedBytes += content.content().readableBytes();
        if (!(content instanceof LastHttpContent)) {
            x.down.writeAndFlush(content);
            if (!x.down.channel().isWritable() && x.upstream != null) {
                // backpressure: the upstream waits while the client's socket buffer drains
                x.upstreamPaused = true;
                x.upstream.config().setAutoRead(false);
            }
            return;
        }
        Channel ch = x.upstream;
        x.upstream = null;
        if (x.upstreamPaused) {
            x.upstreamPaused = false;
            ch.config().setAutoRead(true);
        }
        UpstreamAttempt.endAttempt(x);
        x.proxy.pool().release(ch, x.endpoint, x.cluster, x.upstreamReusable && x.requestComplete);
        x.finishClientSpan(x.streamStatus, "");
        LastHttpContent last = (LastHttpContent) content;
        x.complete(x.streamStatus, x.streamHeaders, last.trailingHeaders(), x.streamedBytes);
        if (!x.down.channel().isActive()) {
            last.release();
            x.onDone.accept(false);
            return;
        }
        afterWrite(x, x.down.writeAndFlush(last));
    }

    /** The client's socket drained (or filled): the upstream of a streaming response reads again (or waits). */
    static void downstreamWritabilityChanged(ProxyExchange x) {
        Channel ch = x.upstream;
        if (x.upstreamPaused && ch != null && x.down.channel().isWritable()) {
            x.upstreamPaused = false;
            ch.config().setAutoRead(true);
        }
    }

    /** Ends a response whose head the client already has, without its end: the client sees a reset stream. */
    static void abortStreamedResponse(ProxyExchange x) {
        x.complete(x.streamStatus, x.streamHeaders, null, x.streamedBytes);
        x.down.close();
        x.onDone.accept(false);
    }

    static void respondRedirect(ProxyExchange x) {
        write(x, LocalReply.redirect(x.decision.status(), x.decision.body()));
    }

    static void respondLocal(ProxyExchange x, int status, String body, boolean upstreamFailure) {
        respondLocal(x, status, body, upstreamFailure, List.of());
    }

    /** A local reply; {@code headers} (a filter's own, like jwt_authn's www-authenticate) are set last. */
    static void respondLocal(ProxyExchange x, int status, String body, boolean upstreamFailure,
                             List<java.util.Map.Entry<String, String>> headers) {
        FullHttpResponse res = x.grpc ? LocalReply.grpc(Grpc.fromHttp(status), body) : LocalReply.http(status, body);
        if (x.overloaded) {
            // Envoy adds it when the connection pool dropped the request, not when a retry overflowed
            res.headers().set("x-envoy-overloaded", "true");
        }
        if (x.flags.contains(ResponseFlag.RL)) {
            res.headers().set("x-local-rate-limit", "true");
        }
        if (upstreamFailure && x.decision != null && x.decision.outcome() == RoutingDecision.Outcome.ROUTE) {
            ProxyExchange.applyOps(res.headers(), x.decision.responseHeaders());
        }
        for (java.util.Map.Entry<String, String> h : headers) {
            res.headers().add(h.getKey(), h.getValue());
        }
        write(x, res);
    }

    /** What the router does to an upstream response's headers, whole or streamed: hop-by-hop out, service time and the route's ops in. */
    private static void upstreamResponseHeaders(ProxyExchange x, HttpHeaders h) {
        h.remove(HttpHeaderNames.CONNECTION);
        h.remove("keep-alive");
        if (x.mode != ListenerMode.INBOUND) {
            h.set("x-envoy-upstream-service-time", TimeUnit.NANOSECONDS.toMillis(x.proxy.timeScale().toConfiguredNanos(x.upstreamNanos)));
        }
        ProxyExchange.applyOps(h, x.decision.responseHeaders());
    }

    static void respondUpstream(ProxyExchange x, FullHttpResponse upstreamResponse) {
        FullHttpResponse res = upstreamResponse;
        upstreamResponseHeaders(x, res.headers());
        if (x.responseSlicer != null) {
            // only what crossed the link is sliced, not the sidecar's own local replies
            x.writeSlicer = x.responseSlicer;
            x.timeline.add(System.nanoTime(), "response body sent in " + SlicedWriter.describe(x.writeSlicer) + " (chaos)");
        }
        write(x, res);
    }

    static void write(ProxyExchange x, FullHttpResponse res) {
        if (x.finished) {
            res.release();
            return;
        }
        if (x.globalTimer != null) {
            x.globalTimer.cancel(false);
            x.globalTimer = null;
        }
        HttpHeaders h = res.headers();
        if (!x.requestComplete) {
            // answered before the client finished sending: the rest of its body is not read, the connection ends
            x.keepAlive = false;
        }
        if (res.trailingHeaders().isEmpty()) {
            HttpUtil.setContentLength(res, res.content().readableBytes());
        } else {
            // trailers (gRPC's grpc-status) need chunked encoding on HTTP/1.1; HTTP/2 sends them as a HEADERS frame
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
            HttpUtil.setTransferEncodingChunked(res, true);
        }
        decorate(x, h);
        int status = res.status().code();
        long bytes = res.content().readableBytes();
        finish(x, status, res, bytes);
    }

    /** What every answer to the client carries, local or from upstream, whole or streamed. */
    private static void decorate(ProxyExchange x, HttpHeaders h) {
        h.set(HttpHeaderNames.SERVER, "istio-envoy");
        for (java.util.Map.Entry<String, String> e : x.extAuthzResponseHeaders) {
            h.set(e.getKey(), e.getValue());
        }
        if (x.corsOrigin != null) {
            Cors.responseHeaders(x.decision.cors(), x.corsOrigin, h);
        }
        if (x.mode == ListenerMode.OUTBOUND) {
            h.set(ProxyExchange.FLAGS_HEADER, x.flags.isEmpty() ? "" : ResponseFlag.format(x.flags));
        } else {
            h.remove(ProxyExchange.FLAGS_HEADER);
        }
        if (!x.keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (x.request.protocolVersion() == HttpVersion.HTTP_1_0) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    /** Ends the exchange with {@code res} (null: without an answer, the client went away). */
    static void finish(ProxyExchange x, int status, FullHttpResponse res, long responseBytes) {
        x.complete(status, res == null ? null : res.headers(), res == null ? null : res.trailingHeaders(), responseBytes);
        if (res == null || !x.down.channel().isActive()) {
            if (res != null) {
                res.release();
            }
            x.onDone.accept(false);
            return;
        }
        res.setProtocolVersion(HttpVersion.HTTP_1_1);
        afterWrite(x, x.writeSlicer == null ? x.down.writeAndFlush(res)
                : SlicedWriter.write(x.down, x.down.executor(), res, x.writeSlicer, x.proxy.random()));
    }

    private static void afterWrite(ProxyExchange x, io.netty.channel.ChannelFuture written) {
        if (x.keepAlive) {
            written.addListener(f -> x.onDone.accept(f.isSuccess()));
        } else {
            written.addListener(ChannelFutureListener.CLOSE);
            x.onDone.accept(false);
        }
    }
}
