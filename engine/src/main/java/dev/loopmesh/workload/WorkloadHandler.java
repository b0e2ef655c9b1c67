package dev.loopmesh.workload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2StreamChannel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * Serves requests on one HTTP/1.1 connection or one HTTP/2 stream. Pipelined HTTP/1.1 requests are
 * queued and served one at a time, so answers leave in the order the requests came.
 */
final class WorkloadHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private record Pending(String method, String uri, HttpHeaders headers, boolean keepAlive) {
    }

    /** Pipelined requests a connection may queue; a client that sends more without reading is cut off. */
    static final int MAX_PIPELINED = 128;

    private final WorkloadRuntime rt;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private boolean busy;

    WorkloadHandler(WorkloadRuntime rt) {
        this.rt = rt;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (req.decoderResult().isFailure()) {
            FullHttpResponse bad = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST);
            bad.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            ctx.writeAndFlush(bad).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        // the body is dropped with the request (released on return); the headers are plain objects
        if (queue.size() >= MAX_PIPELINED) {
            queue.clear();
            ctx.close();
            return;
        }
        queue.add(new Pending(req.method().name(), req.uri(), req.headers(), HttpUtil.isKeepAlive(req)));
        serveNext(ctx);
    }

    private void serveNext(ChannelHandlerContext ctx) {
        if (busy || queue.isEmpty()) {
            return;
        }
        busy = true;
        Pending p = queue.poll();
        new RequestRun(rt, ctx.channel().eventLoop(), p.method(), p.uri(), p.headers(), answer -> answer(ctx, p, answer)).start();
    }

    private void answer(ChannelHandlerContext ctx, Pending p, RequestRun.Answer answer) {
        busy = false;
        if (!ctx.channel().isActive()) {
            return;
        }
        rt.served().increment();
        // one array copy (the JSON is Latin-1 inside the String) instead of encoding char by char
        ByteBuf body = Unpooled.wrappedBuffer(answer.json().getBytes(StandardCharsets.UTF_8));
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(answer.status()), body);
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        for (Map.Entry<String, String> h : rt.behavior().responseHeaders().entrySet()) {
            resp.headers().set(h.getKey(), h.getValue());
        }
        boolean http2 = ctx.channel() instanceof Http2StreamChannel;
        if (!http2) {
            HttpUtil.setKeepAlive(resp, p.keepAlive());
        }
        if (http2 || p.keepAlive()) {
            ctx.writeAndFlush(resp);
            serveNext(ctx);
        } else {
            queue.clear();
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
