package dev.loopmesh.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A message body put together from the {@code HttpContent} parts it arrived in, without copying them:
 * null while empty, the one buffer read (most bodies come in one), then a composite of the parts once
 * a second one comes.
 */
final class BodyParts {
    private BodyParts() {
    }

    /**
     * The body so far with {@code data} added at its end (retained: the caller still releases its part).
     *
     * @param maxComponents how many parts the composite holds before it consolidates them into one buffer
     */
    static ByteBuf append(ByteBuf body, ByteBuf data, ByteBufAllocator alloc, int maxComponents) {
        if (!data.isReadable()) {
            return body;
        }
        if (body == null && !(data instanceof CompositeByteBuf)) {
            return data.retain();
        }
        // a composite here is always one made below, so adding to it changes no buffer the sender still holds
        CompositeByteBuf all;
        if (body instanceof CompositeByteBuf) {
            all = (CompositeByteBuf) body;
        } else {
            all = alloc.compositeBuffer(maxComponents);
            if (body != null) {
                all.addComponent(true, body);
            }
        }
        all.addComponent(true, data.retain());
        return all;
    }

    static int size(ByteBuf body) {
        return body == null ? 0 : body.readableBytes();
    }

    /** The body to put in a full message: an empty one when no part had bytes. */
    static ByteBuf orEmpty(ByteBuf body) {
        return body == null ? Unpooled.EMPTY_BUFFER : body;
    }
}
