package dev.loopmesh.dataplane;

import dev.loopmesh.chaos.LinkFault;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.EventExecutor;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Toxiproxy's {@code slicer} on one hop: writes an HTTP message's head, then its body in slices of the
 * slicer's sizes, the first at once and each next one {@code delay} later, then the end of the message
 * (with its trailers). Each slice is flushed on its own, so the peer reads the body in pieces. The
 * head is not cut (Toxiproxy slices raw bytes, head included; here the codec owns the head's bytes).
 */
final class SlicedWriter {
    private final ChannelOutboundInvoker out;
    private final EventExecutor loop;
    private final ChannelPromise done;
    private final FullHttpMessage message;
    private final List<Integer> sizes;
    private final long delayNanos;
    private int next;
    private int offset;
    private boolean released;

    private SlicedWriter(ChannelOutboundInvoker out, EventExecutor loop, ChannelPromise done, FullHttpMessage message,
                         List<Integer> sizes, long delayNanos) {
        this.out = out;
        this.loop = loop;
        this.done = done;
        this.message = message;
        this.sizes = sizes;
        this.delayNanos = delayNanos;
    }

    /**
     * Writes {@code message} (whose reference this takes) in slices; the future completes when the last
     * part is written, or fails with the first failed write (the rest is dropped).
     *
     * @param loop the event loop of the channel {@code out} writes to
     */
    static ChannelFuture write(ChannelOutboundInvoker out, EventExecutor loop, FullHttpMessage message, LinkFault.Slicer slicer,
                               RandomGenerator random) {
        ChannelPromise done = out.newPromise();
        List<Integer> sizes = slicer.slices(message.content().readableBytes(), random);
        new SlicedWriter(out, loop, done, message, sizes, slicer.delayNanos()).start();
        return done;
    }

    /** The slicer as the request timeline shows it. */
    static String describe(LinkFault.Slicer slicer) {
        return "slices of " + slicer.averageSize() + (slicer.sizeVariation() == 0 ? "" : "±" + slicer.sizeVariation())
                + " bytes, " + TimeUnit.NANOSECONDS.toMicros(slicer.delayNanos()) + "µs apart";
    }

    private void start() {
        HttpMessage head = message instanceof FullHttpResponse
                ? new DefaultHttpResponse(message.protocolVersion(), ((FullHttpResponse) message).status(), message.headers())
                : new DefaultHttpRequest(message.protocolVersion(), ((FullHttpRequest) message).method(),
                ((FullHttpRequest) message).uri(), message.headers());
        out.write(head).addListener(this::failed);
        writeNext();
    }

    private void writeNext() {
        if (done.isDone()) {
            return;
        }
        if (next == sizes.size()) {
            LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
            last.trailingHeaders().set(message.trailingHeaders());
            release();
            out.writeAndFlush(last).addListener(f -> {
                if (f.isSuccess()) {
                    done.trySuccess();
                } else {
                    done.tryFailure(f.cause());
                }
            });
            return;
        }
        int size = sizes.get(next++);
        ByteBuf slice = message.content().retainedSlice(message.content().readerIndex() + offset, size);
        offset += size;
        out.writeAndFlush(new DefaultHttpContent(slice)).addListener(this::failed);
        if (next == sizes.size() || delayNanos <= 0) {
            writeNext();
        } else {
            loop.schedule(this::writeNext, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void failed(io.netty.util.concurrent.Future<? super Void> f) {
        if (!f.isSuccess() && done.tryFailure(f.cause())) {
            release();
        }
    }

    private void release() {
        if (!released) {
            released = true;
            message.release();
        }
    }
}
