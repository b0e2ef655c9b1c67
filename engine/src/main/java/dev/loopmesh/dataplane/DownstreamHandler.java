package dev.loopmesh.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;

/**
 * One per downstream connection (or HTTP/2 stream): rejects malformed requests, then runs one
 * exchange at a time. A request whose body arrived whole with its head (most do) starts whole; one
 * whose body is still coming when the read ends, or outgrows {@link #STREAM_AFTER_BYTES}, starts with
 * what is there and streams the rest ({@link ProxyExchange#requestContent}), reading on as the
 * upstream takes it. Otherwise reading stops while a request is in flight, so pipelined HTTP/1.1
 * requests are answered in order and a slow upstream pushes back on its client.
 */
final class DownstreamHandler extends ChannelInboundHandlerAdapter {
    static final int MAX_HEADERS = 100;
    /** A body this large starts streaming even if more of it is already read. */
    static final int STREAM_AFTER_BYTES = 64 * 1024;
    /** How much of a pipelined request (behind one in flight) is held before the connection is refused. */
    static final int MAX_PIPELINED_BYTES = 8 * 1024 * 1024;

    private final Proxy proxy;
    private final ListenerMode mode;
    static final int MAX_PIPELINED = 128;

    private ProxyExchange inFlight;
    /** What an exchange calls when it is done, made once per connection rather than per request. */
    private final java.util.function.Consumer<Boolean> onExchangeDone = this::exchangeDone;
    /** Requests decoded from the same read as the one in flight (HTTP/1.1 pipelining), answered in order. */
    private final java.util.ArrayDeque<Object> pipelined = new java.util.ArrayDeque<>();
    private ChannelHandlerContext context;
    /** A request whose head arrived and whose body is being gathered, not started yet. */
    private HttpRequest head;
    /** Its body so far ({@link BodyParts}). */
    private ByteBuf body;
    /** The exchange in flight while the rest of its request body streams to it. */
    private ProxyExchange streamingTo;
    /** The rest of what the connection sends is thrown away: it was refused and closes. */
    private boolean refused;

    DownstreamHandler(Proxy proxy, ListenerMode mode) {
        this.proxy = proxy;
        this.mode = mode;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(false);
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        context = ctx;
        if (refused || !(msg instanceof HttpObject)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            onHead(ctx, (HttpRequest) msg);
        } else if (msg instanceof HttpContent) {
            onContent(ctx, (HttpContent) msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(ChannelHandlerContext ctx, HttpRequest req) {
        if (head != null || streamingTo != null) {
            // the decoder ends a message before the next begins: this cannot be HTTP
            ReferenceCountUtil.release(req);
            refuse(ctx, 400, "a request began before the previous one ended");
            return;
        }
        String invalid = validate(req);
        if (invalid != null) {
            int status = req.decoderResult().cause() instanceof TooLongHttpLineException ? 414
                    : req.decoderResult().cause() instanceof TooLongHttpHeaderException || invalid.startsWith("too many headers") ? 431
                    : invalid.startsWith("unsupported HTTP version") ? 505 : 400;
            ReferenceCountUtil.release(req);
            if (inFlight != null) {
                // answered in its turn, after the requests before it; nothing after it is read
                refused = true;
                pipelined.addLast(new Rejection(status, invalid));
                return;
            }
            refuse(ctx, status, invalid);
            return;
        }
        if (req instanceof FullHttpRequest) {
            // HTTP/2 headers that end the stream
            complete(ctx, (FullHttpRequest) req);
            return;
        }
        if (HttpUtil.is100ContinueExpected(req)) {
            // Envoy answers 100 Continue itself and does not pass the expectation on
            req.headers().remove(HttpHeaderNames.EXPECT);
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
        }
        head = req;
        body = null;
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent c) {
        if (c.decoderResult().isFailure()) {
            String why = "malformed request body: " + c.decoderResult().cause().getMessage();
            c.release();
            ProxyExchange ex = streamingTo;
            streamingTo = null;
            if (ex != null) {
                refused = true;
                ex.requestBodyFailed(why);
            } else {
                dropAssembling();
                refuse(ctx, 400, why);
            }
            return;
        }
        if (streamingTo != null) {
            ProxyExchange ex = streamingTo;
            if (c instanceof LastHttpContent) {
                streamingTo = null;
            }
            ex.requestContent(c);
            return;
        }
        if (head == null) {
            c.release();
            return;
        }
        body = BodyParts.append(body, c.content(), ctx.alloc(), 64);
        if (c instanceof LastHttpContent) {
            FullHttpRequest full = new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(),
                    BodyParts.orEmpty(body), head.headers(), ((LastHttpContent) c).trailingHeaders().copy());
            c.release();
            head = null;
            body = null;
            complete(ctx, full);
            return;
        }
        c.release();
        int size = BodyParts.size(body);
        if (inFlight == null && size >= STREAM_AFTER_BYTES) {
            startStreaming(ctx);
        } else if (inFlight != null && size > MAX_PIPELINED_BYTES) {
            dropAssembling();
            refuse(ctx, 413, "a pipelined request body over " + MAX_PIPELINED_BYTES + " bytes");
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (head != null && inFlight == null && !refused) {
            // nothing more of the body is here yet: the request goes on with what there is (gRPC streams need it)
            startStreaming(ctx);
        }
        ctx.fireChannelReadComplete();
    }

    private void complete(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (inFlight != null) {
            if (pipelined.size() >= MAX_PIPELINED) {
                req.release();
                ctx.close();
                return;
            }
            pipelined.addLast(req);
            return;
        }
        handle(ctx, req, true);
    }

    private void startStreaming(ChannelHandlerContext ctx) {
        // the exchange adds the rest of the body to a composite (for a retry or a mirror)
        CompositeByteBuf kept = ctx.alloc().compositeBuffer(64);
        if (body != null) {
            kept.addComponent(true, body);
        }
        FullHttpRequest partial = new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(), kept,
                head.headers(), new DefaultHttpHeaders());
        head = null;
        body = null;
        handle(ctx, partial, false);
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest req, boolean whole) {
        inFlight = new ProxyExchange(proxy, mode, ctx, req, whole, onExchangeDone);
        if (!whole) {
            streamingTo = inFlight;
        }
        inFlight.start();
    }

    private void dropAssembling() {
        if (body != null) {
            body.release();
        }
        head = null;
        body = null;
    }

    private void refuse(ChannelHandlerContext ctx, int status, String why) {
        refused = true;
        releasePipelined();
        reject(ctx, status, why);
    }

    private void exchangeDone(boolean keepAlive) {
        ChannelHandlerContext ctx = context;
        inFlight = null;
        if (ctx == null) {
            return;
        }
        if (!keepAlive || !ctx.channel().isActive()) {
            releasePipelined();
            return;
        }
        Object next = pipelined.pollFirst();
        if (next instanceof Rejection) {
            refuse(ctx, ((Rejection) next).status(), ((Rejection) next).why());
        } else if (next != null) {
            handle(ctx, (FullHttpRequest) next, true);
        } else if (head != null) {
            startStreaming(ctx);
        } else {
            ctx.read();
        }
    }

    private void releasePipelined() {
        Object r;
        while ((r = pipelined.pollFirst()) != null) {
            ReferenceCountUtil.release(r);
        }
    }

    /** A pipelined request found invalid while another was in flight: its answer waits for its turn. */
    private record Rejection(int status, String why) {
    }

    private static String validate(HttpRequest req) {
        DecoderResult r = req.decoderResult();
        if (r.isFailure()) {
            Throwable c = r.cause();
            if (c instanceof TooLongFrameException) {
                return c.getMessage();
            }
            return "malformed request: " + (c == null ? "unknown" : c.getMessage());
        }
        HttpVersion v = req.protocolVersion();
        if (v != HttpVersion.HTTP_1_1 && v != HttpVersion.HTTP_1_0) {
            return "unsupported HTTP version " + v.text();
        }
        if (req.headers().size() > MAX_HEADERS) {
            return "too many headers: " + req.headers().size() + " (expected: at most " + MAX_HEADERS + ")";
        }
        if (req.headers().getAll(HttpHeaderNames.CONTENT_LENGTH).size() > 1) {
            return "more than one Content-Length";
        }
        String uri = req.uri();
        if (uri.isEmpty() || (uri.charAt(0) != '/' && !uri.startsWith("http://") && !uri.equals("*"))) {
            return "invalid request target " + uri;
        }
        return null;
    }

    private void reject(ChannelHandlerContext ctx, int status, String why) {
        byte[] body = (HttpResponseStatus.valueOf(status).reasonPhrase() + ": " + why + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        proxy.recordProtocolError(ctx, status, why);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePipelined();
        dropAssembling();
        ProxyExchange ex = inFlight;
        if (ex != null) {
            ex.downstreamClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ProxyExchange ex = inFlight;
        if (ex != null) {
            ex.downstreamWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

}
