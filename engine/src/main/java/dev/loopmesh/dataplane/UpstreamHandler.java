package dev.loopmesh.dataplane;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;

/**
 * The last handler of an upstream connection: hands the one response in flight to whoever sent the
 * request, or reports that the connection went away first.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    /** Receives the outcome of the request in flight on this connection. */
    interface Listener {
        void onResponse(FullHttpResponse response);

        void onReset(Throwable cause);
    }

    private Listener listener;
    private int requests;

    /** Called on the connection's event loop before the request is written. */
    void await(Listener l) {
        this.listener = l;
        requests++;
    }

    int requestsSent() {
        return requests;
    }

    boolean busy() {
        return listener != null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Listener l = listener;
        listener = null;
        if (l == null || !(msg instanceof FullHttpResponse)) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        l.onResponse((FullHttpResponse) msg);
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
        Listener l = listener;
        listener = null;
        if (l != null) {
            l.onReset(cause);
        }
    }
}
