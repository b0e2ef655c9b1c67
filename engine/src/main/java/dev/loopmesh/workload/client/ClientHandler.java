package dev.loopmesh.workload.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;

import java.nio.charset.StandardCharsets;

/** Completes the one exchange in flight on a pooled HTTP/1.1 connection. */
final class ClientHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    private PooledExchange current;

    void begin(PooledExchange exchange) {
        current = exchange;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
        PooledExchange exchange = current;
        current = null;
        if (exchange == null) {
            ctx.close(); // an answer nobody asked for: the connection is out of step
            return;
        }
        if (msg.decoderResult().isFailure()) {
            exchange.fail(new java.io.IOException("not an HTTP response: " + msg.decoderResult().cause().getMessage()));
            ctx.close();
            return;
        }
        String body = exchange.wantBody() ? msg.content().toString(StandardCharsets.UTF_8) : "";
        ClientResponse response = new ClientResponse(msg.status().code(), msg.headers(), body);
        exchange.responded(ctx.channel(), response, HttpUtil.isKeepAlive(msg));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        PooledExchange exchange = current;
        current = null;
        if (exchange != null) {
            exchange.fail(new ClientFailures.UpstreamClosedException());
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        PooledExchange exchange = current;
        current = null;
        if (exchange != null) {
            exchange.fail(cause);
        }
        ctx.close();
    }
}
