package dev.loopmesh.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;

/**
 * The last handler of an upstream connection: streams the one response in flight to whoever sent the
 * request (its head, then its body as it arrives), or reports that the connection went away first.
 * Callers that want the whole answer at once ({@link Listener}) get it collected, with a bound.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    /** Receives the response in flight as it arrives: one head, then contents ending with a {@link LastHttpContent}. */
    interface StreamListener {
        void onResponseHead(HttpResponse head);

        /** Owns {@code content}; the last one is a {@link LastHttpContent} (with trailers, if any). */
        void onResponseContent(HttpContent content);

        void onReset(Throwable cause);

        /** The connection's outbound buffer filled or drained (to pace a request body that streams). */
        default void upstreamWritabilityChanged() {
        }
    }

    /** Receives the whole response of the request in flight (side calls: mirrors, ext_authz). */
    interface Listener {
        void onResponse(FullHttpResponse response);

        void onReset(Throwable cause);
    }

    private StreamListener listener;
    private int requests;

    /** Called on the connection's event loop before the request is written. */
    void await(StreamListener l) {
        this.listener = l;
        requests++;
    }

    void await(Listener l) {
        await(new Collecting(l, UpstreamPool.MAX_RESPONSE_BYTES));
    }

    /** The caller gives up on the response in flight (and closes the connection): nothing more is reported. */
    void detach() {
        listener = null;
    }

    int requestsSent() {
        return requests;
    }

    boolean busy() {
        return listener != null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        StreamListener l = listener;
        if (l == null || !(msg instanceof HttpResponse || msg instanceof HttpContent)) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof FullHttpResponse) {
            // HTTP/2 headers that end the stream: a head and an empty or trailing last content
            FullHttpResponse full = (FullHttpResponse) msg;
            listener = null;
            l.onResponseHead(new DefaultHttpResponse(full.protocolVersion(), full.status(), full.headers()));
            l.onResponseContent(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
            return;
        }
        if (msg instanceof HttpResponse) {
            l.onResponseHead((HttpResponse) msg);
            return;
        }
        if (msg instanceof LastHttpContent) {
            listener = null;
        }
        l.onResponseContent((HttpContent) msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        StreamListener l = listener;
        if (l != null) {
            l.upstreamWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(new IOException("upstream connection closed"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
        ctx.close();
    }

    private void fail(Throwable cause) {
        StreamListener l = listener;
        listener = null;
        if (l != null) {
            l.onReset(cause);
        }
    }

    /** Collects a streamed response into one message, up to {@code max} body bytes (more is a reset). */
    static final class Collecting implements StreamListener {
        private final Listener target;
        private final int max;
        private HttpResponse head;
        /** The body so far ({@link BodyParts}). */
        private ByteBuf body;
        private boolean failed;

        Collecting(Listener target, int max) {
            this.target = target;
            this.max = max;
        }

        @Override
        public void onResponseHead(HttpResponse h) {
            head = h;
        }

        @Override
        public void onResponseContent(HttpContent content) {
            if (failed) {
                content.release();
                return;
            }
            ByteBuf data = content.content();
            if (BodyParts.size(body) + data.readableBytes() > max) {
                content.release();
                if (body != null) {
                    body.release();
                }
                body = null;
                failed = true;
                target.onReset(new TooLongFrameException("response body larger than " + max + " bytes"));
                return;
            }
            body = BodyParts.append(body, data, data.alloc(), 1024);
            if (content instanceof LastHttpContent) {
                FullHttpResponse full = new DefaultFullHttpResponse(head.protocolVersion(), head.status(), BodyParts.orEmpty(body),
                        head.headers(), ((LastHttpContent) content).trailingHeaders());
                content.release();
                body = null;
                target.onResponse(full);
            } else {
                content.release();
            }
        }

        @Override
        public void onReset(Throwable cause) {
            if (body != null) {
                body.release();
                body = null;
            }
            if (!failed) {
                failed = true;
                target.onReset(cause);
            }
        }
    }
}
