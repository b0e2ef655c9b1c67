package dev.loopmesh.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.util.concurrent.Future;

import java.util.List;

/**
 * Envoy's tls_inspector: reads the server name of a TLS ClientHello without terminating TLS, tells the next
 * handler in a {@link SniCompletionEvent} (hostname null when the connection is not TLS or names no server),
 * then steps aside and passes on every byte it read, untouched.
 */
final class SniPeek extends AbstractSniHandler<String> {
    /** TLS ContentType handshake (RFC 8446 §5.1): a ClientHello's record starts with it. */
    private static final int HANDSHAKE = 22;

    SniPeek() {
        super(0L); // no timeout of its own: the connection's idle timeout bounds a client that sends nothing
    }

    /**
     * A first byte that is no TLS handshake record means no ClientHello will come: decided at once, as Envoy's
     * tls_inspector does, rather than waiting for a whole record header (a short plaintext message would wait).
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (in.isReadable() && in.getUnsignedByte(in.readerIndex()) != HANDSHAKE) {
            ctx.fireUserEventTriggered(new SniCompletionEvent((String) null));
            ctx.pipeline().remove(this);
            return;
        }
        super.decode(ctx, in, out);
    }

    @Override
    protected Future<String> lookup(ChannelHandlerContext ctx, String hostname) {
        return ctx.executor().newSucceededFuture(hostname);
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<String> future) {
        // removed once the event is out (a removal inside decode is deferred); the bytes then follow the event
        ctx.pipeline().remove(this);
    }
}
