package dev.loopmesh.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * A request body that is still coming when its exchange starts: it streams upstream as the client
 * sends it, read only as fast as the upstream takes it (or, before the first attempt, as the buffer
 * has room), and is kept up to {@link ProxyExchange#REPLAY_LIMIT} bytes for a retry or a mirror.
 */
final class RequestBodyStream {
    private RequestBodyStream() {
    }

    /**
     * The head and the body so far go upstream now; the rest follows as the client sends it
     * ({@link #requestContent}). The body is kept for a retry up to {@link ProxyExchange#REPLAY_LIMIT}
     * bytes, as Envoy's retry buffer; past that, this attempt is the only one.
     */
    static void sendStreaming(ProxyExchange x, Channel ch, HttpRequest head, boolean reset) {
        if (!HttpUtil.isContentLengthSet(x.request)) {
            HttpUtil.setTransferEncodingChunked(head, true);
        }
        x.sendingOn = ch;
        ch.write(head);
        ch.writeAndFlush(new DefaultHttpContent(x.request.content().retainedDuplicate()))
                .addListener(w -> UpstreamAttempt.afterSent(x, ch, w.isSuccess(), reset));
        if (x.request.content().readableBytes() > ProxyExchange.REPLAY_LIMIT) {
            stopReplay(x);
        }
        demandBody(x);
    }

    /** More of a streaming request's body, from the client. */
    static void requestContent(ProxyExchange x, HttpContent c) {
        if (x.finished) {
            c.release();
            return;
        }
        ByteBuf data = c.content();
        int n = data.readableBytes();
        x.requestBytes += n;
        boolean last = c instanceof LastHttpContent;
        Channel ch = x.upstream;
        boolean sending = ch != null && ch == x.sendingOn;
        if (x.replayable) {
            CompositeByteBuf kept = (CompositeByteBuf) x.request.content();
            if (sending && kept.readableBytes() + n > ProxyExchange.REPLAY_LIMIT) {
                stopReplay(x);
            } else {
                kept.addComponent(true, data.retainedDuplicate());
            }
        }
        if (last) {
            x.requestComplete = true;
            x.request.trailingHeaders().set(((LastHttpContent) c).trailingHeaders());
        }
        if (sending) {
            ch.writeAndFlush(c).addListener(w -> UpstreamAttempt.afterSent(x, ch, w.isSuccess(), false));
        } else {
            c.release();
        }
        if (last) {
            requestEnded(x);
        } else {
            demandBody(x);
        }
    }

    /** The whole request is in: what waited for its end (the route timeout, mirrors) starts. */
    private static void requestEnded(ProxyExchange x) {
        if (x.timeoutPending) {
            x.timeoutPending = false;
            x.startRouteTimer();
        }
        if (x.mirrorsPending) {
            x.mirrorsPending = false;
            if (x.replayable) {
                x.sendMirrors();
            } else {
                x.timeline.add(System.nanoTime(), "not mirrored: the request body outgrew the " + ProxyExchange.REPLAY_LIMIT + "-byte buffer");
            }
        }
    }

    /** Reads more of the body when it can go somewhere: upstream, while it takes it, or into the buffer before the first attempt. */
    static void demandBody(ProxyExchange x) {
        if (x.requestComplete || x.finished) {
            return;
        }
        Channel ch = x.upstream;
        if (ch != null && ch == x.sendingOn) {
            if (ch.isWritable()) {
                x.down.read();
            }
        } else if (x.replayable && x.request.content().readableBytes() < ProxyExchange.REPLAY_LIMIT) {
            x.down.read();
        }
    }

    private static void stopReplay(ProxyExchange x) {
        x.replayable = false;
        // the part being written upstream holds its own reference; the rest of the buffer goes
        FullHttpRequest kept = x.request;
        x.request = kept.replace(Unpooled.EMPTY_BUFFER);
        kept.release();
        x.timeline.add(System.nanoTime(), "request body over the " + ProxyExchange.REPLAY_LIMIT + "-byte retry buffer: no retry or mirror can replay it");
    }

    /** The client's body turned out malformed mid-stream (a bad chunk): Envoy's 400, or a reset once the answer began. */
    static void requestBodyFailed(ProxyExchange x, String why) {
        if (x.finished) {
            return;
        }
        x.flags.add(ResponseFlag.DPE);
        x.timeline.add(System.nanoTime(), why);
        UpstreamAttempt.abortUpstream(x);
        UpstreamAttempt.endAttempt(x);
        if (x.streaming) {
            DownstreamResponse.abortStreamedResponse(x);
        } else {
            DownstreamResponse.respondLocal(x, 400, why, false);
        }
    }
}
