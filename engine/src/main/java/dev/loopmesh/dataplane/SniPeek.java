package dev.loopmesh.dataplane;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.util.concurrent.Future;

/**
 * Envoy's tls_inspector: reads the server name of a TLS ClientHello without terminating TLS, tells the next
 * handler in a {@link SniCompletionEvent} (hostname null when the connection is not TLS or names no server),
 * then steps aside and passes on every byte it read, untouched.
 */
final class SniPeek extends AbstractSniHandler<String> {
    SniPeek() {
        super(0L); // no timeout of its own: the connection's idle timeout bounds a client that sends nothing
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
