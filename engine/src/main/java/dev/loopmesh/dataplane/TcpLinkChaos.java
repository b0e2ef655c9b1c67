package dev.loopmesh.dataplane;

import dev.loopmesh.chaos.BandwidthPacer;
import dev.loopmesh.chaos.Direction;
import dev.loopmesh.chaos.LinkFault;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Toxiproxy's toxics on one relayed TCP connection, per direction: latency (with jitter) and the bandwidth
 * cap hold each chunk until its time, the slicer cuts a chunk into slices written apart, a stall drops the
 * bytes (and closes the connection after its timeout, if set). Chunks leave in the order they came: a chunk
 * never leaves before the one ahead of it, whatever the jitter. Everything runs on the connection's event
 * loop (both sides of a relayed connection share it), timed by scheduled tasks; no locks, no threads.
 * Partitions and resets are decided once per connection by the relay ({@link #blackhole}, {@link #resetNow}).
 */
final class TcpLinkChaos {
    /** Bytes a lane holds before it stops reading its source (backpressure while data is delayed). */
    private static final long MAX_QUEUED_BYTES = 256 * 1024;

    private final LinkFault link;
    private final RandomGenerator random;

    TcpLinkChaos(LinkFault link, RandomGenerator random) {
        this.link = link;
        this.random = random;
    }

    boolean blackhole() {
        return link.blackhole();
    }

    /** One draw per connection: reset it after its first request bytes went upstream. */
    boolean resetNow() {
        return link.resetProbability() > 0 && link.resetNow(random);
    }

    /**
     * The lane carrying bytes read from {@code source} in direction {@code d} to {@code target}; a stall with
     * a timeout schedules closing both channels.
     */
    Lane lane(Direction d, Channel source, Channel target) {
        Lane lane = new Lane(d, source, target);
        long close = link.stalled(d) ? link.stallCloseAfterNanos(d) : -1;
        if (close >= 0) {
            source.eventLoop().schedule(() -> {
                source.close();
                target.close();
            }, close, TimeUnit.NANOSECONDS);
        }
        return lane;
    }

    /** Resets both sides: the app sees "connection reset by peer" (RST, no FIN), as Toxiproxy's reset_peer. */
    static void reset(Channel down, Channel up) {
        if (down.isActive()) {
            down.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        down.close();
        up.close();
    }

    private record Pending(ByteBuf buf, long due) {
    }

    /** One direction of the connection: its pending chunks, each with the time it may leave. */
    final class Lane {
        private final Direction direction;
        private final Channel source;
        private final Channel target;
        private final boolean stalled;
        private final BandwidthPacer pacer;
        private final LinkFault.Slicer slicer;
        private final ArrayDeque<Pending> queue = new ArrayDeque<>();
        private long queuedBytes;
        private long lastDue = Long.MIN_VALUE;
        private boolean scheduled;
        private boolean paused;
        private boolean discarded;
        private Runnable whenEmpty;

        private Lane(Direction direction, Channel source, Channel target) {
            this.direction = direction;
            this.source = source;
            this.target = target;
            this.stalled = link.stalled(direction);
            this.pacer = link.pacer(direction);
            this.slicer = link.slicer(direction);
        }

        /** Takes a chunk read from the source (and its reference); asks the source for more while there is room. */
        void offer(Object msg) {
            if (discarded || stalled || !(msg instanceof ByteBuf)) {
                // a stalled link swallows the bytes (Toxiproxy's timeout toxic); reading goes on so a close is seen
                io.netty.util.ReferenceCountUtil.release(msg);
                if (!discarded) {
                    source.read();
                }
                return;
            }
            ByteBuf buf = (ByteBuf) msg;
            long now = System.nanoTime();
            long delay = link.delayNanos(direction, random);
            if (pacer != null) {
                delay += pacer.reserve(buf.readableBytes(), now);
            }
            long due = Math.max(now + delay, lastDue);
            if (slicer == null || buf.readableBytes() <= 1) {
                add(buf, due);
            } else {
                List<Integer> sizes = slicer.slices(buf.readableBytes(), random);
                int offset = buf.readerIndex();
                for (int size : sizes) {
                    add(buf.retainedSlice(offset, size), due);
                    offset += size;
                    due += slicer.delayNanos();
                }
                buf.release();
            }
            drain();
            if (queuedBytes < MAX_QUEUED_BYTES) {
                source.read();
            } else {
                paused = true;
            }
        }

        private void add(ByteBuf buf, long due) {
            queue.add(new Pending(buf, due));
            queuedBytes += buf.readableBytes();
            lastDue = due;
        }

        /** Runs {@code then} once every held chunk has been written (at once when none is held). */
        void finish(Runnable then) {
            if (queue.isEmpty() || discarded) {
                then.run();
            } else {
                whenEmpty = then;
            }
        }

        /** The target is gone: drops what is held. */
        void discard() {
            discarded = true;
            whenEmpty = null;
            for (Pending p; (p = queue.poll()) != null; ) {
                p.buf().release();
            }
            queuedBytes = 0;
        }

        private void drain() {
            if (discarded) {
                return;
            }
            long now = System.nanoTime();
            for (Pending p; (p = queue.peek()) != null && p.due() - now <= 0; ) {
                queue.poll();
                int bytes = p.buf().readableBytes();
                target.writeAndFlush(p.buf()).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        f.channel().close();
                        return;
                    }
                    queuedBytes -= bytes;
                    if (paused && queuedBytes < MAX_QUEUED_BYTES) {
                        paused = false;
                        source.read();
                    }
                });
            }
            Pending head = queue.peek();
            if (head == null) {
                Runnable then = whenEmpty;
                whenEmpty = null;
                if (then != null) {
                    then.run();
                }
            } else if (!scheduled) {
                scheduled = true;
                source.eventLoop().schedule(() -> {
                    scheduled = false;
                    drain();
                }, Math.max(0, head.due() - now), TimeUnit.NANOSECONDS);
            }
        }
    }
}
