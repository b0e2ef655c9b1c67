package dev.loopmesh.dataplane;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;

/**
 * One per downstream connection (or HTTP/2 stream): rejects malformed requests, then runs one
 * exchange at a time. Reading stops while a request is in flight, so pipelined HTTP/1.1 requests
 * are answered in order and a slow upstream pushes back on its client.
 */
final class DownstreamHandler extends ChannelInboundHandlerAdapter {
    static final int MAX_HEADERS = 100;

    private final Proxy proxy;
    private final ListenerMode mode;
    static final int MAX_PIPELINED = 128;

    private ProxyExchange inFlight;
    /** Requests decoded from the same read as the one in flight (HTTP/1.1 pipelining), answered in order. */
    private final java.util.ArrayDeque<FullHttpRequest> pipelined = new java.util.ArrayDeque<>();
    private ChannelHandlerContext context;

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
        if (!(msg instanceof FullHttpRequest)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        FullHttpRequest req = (FullHttpRequest) msg;
        context = ctx;
        if (inFlight != null) {
            if (pipelined.size() >= MAX_PIPELINED) {
                req.release();
                ctx.close();
                return;
            }
            pipelined.addLast(req);
            return;
        }
        handle(ctx, req);
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        String invalid = validate(req);
        if (invalid != null) {
            int status = req.decoderResult().cause() instanceof TooLongHttpLineException ? 414
                    : req.decoderResult().cause() instanceof TooLongHttpHeaderException || invalid.startsWith("too many headers") ? 431
                    : invalid.startsWith("unsupported HTTP version") ? 505 : 400;
            req.release();
            reject(ctx, status, invalid);
            return;
        }
        inFlight = new ProxyExchange(proxy, mode, ctx, req, this::exchangeDone);
        inFlight.start();
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
        FullHttpRequest next = pipelined.pollFirst();
        if (next != null) {
            handle(ctx, next);
        } else {
            ctx.read();
        }
    }

    private void releasePipelined() {
        FullHttpRequest r;
        while ((r = pipelined.pollFirst()) != null) {
            r.release();
        }
    }

    private static String validate(FullHttpRequest req) {
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

    static boolean keepAlive(FullHttpRequest req) {
        return HttpUtil.isKeepAlive(req);
    }
}
