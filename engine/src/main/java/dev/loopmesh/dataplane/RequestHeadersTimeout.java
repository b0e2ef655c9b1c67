package dev.loopmesh.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a new connection may take to send its first bytes and a request's headers: a
 * client trickling a request (slowloris) or never sending one is closed, so it cannot hold the
 * proxy. Once the connection has sent something, the idle timeout takes over.
 */
final class RequestHeadersTimeout extends ChannelInboundHandlerAdapter {
    private final long timeout;
    private final TimeUnit unit;
    private ScheduledFuture<?> timer;
    private long bytes;

    RequestHeadersTimeout(long timeout, TimeUnit unit) {
        this.timeout = timeout;
        this.unit = unit;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx);
        ctx.fireChannelActive();
    }

    private void arm(ChannelHandlerContext ctx) {
        if (timer == null) {
            timer = ctx.executor().schedule(() -> {
                ctx.close();
            }, timeout, unit);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf) {
            bytes += ((ByteBuf) msg).readableBytes();
            // a request line and headers within the limit: the decoder's own limits bound the rest
            if (bytes > 0 && containsHeaderEnd((ByteBuf) msg)) {
                disarm(ctx);
            }
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean containsHeaderEnd(ByteBuf b) {
        int end = b.writerIndex();
        for (int i = b.readerIndex(); i + 3 < end; i++) {
            if (b.getByte(i) == '\r' && b.getByte(i + 1) == '\n' && b.getByte(i + 2) == '\r' && b.getByte(i + 3) == '\n') {
                return true;
            }
        }
        // HTTP/2 preface or frames: not headers in text; trust the h2 codec
        return end - b.readerIndex() >= 24 && b.getByte(b.readerIndex()) == 'P' && b.getByte(b.readerIndex() + 1) == 'R';
    }

    private void disarm(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // removed by a protocol that has no request head (plain TCP): its timer must not close the connection
        if (timer != null) {
            timer.cancel(false);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        ctx.fireChannelInactive();
    }
}
