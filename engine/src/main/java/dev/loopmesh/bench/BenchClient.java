package dev.loopmesh.bench;

import dev.loopmesh.internal.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The bench's HTTP/1.1 load client: one event-loop thread of its own (so its CPU time can be told
 * apart from the mesh's), a fixed set of keep-alive connections, pre-encoded requests and a response
 * scanner that allocates nothing per response. Two kinds of phase: open loop (a fixed arrival rate;
 * latency from each request's intended send time, so a slow answer cannot hide behind a late send)
 * and closed loop (every connection sends again as soon as it is answered: saturation throughput).
 */
final class BenchClient implements AutoCloseable {
    /** Latencies are recorded in nanoseconds, up to a minute, to 3 significant digits. */
    static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** What one phase measured. Latencies are nanoseconds. */
    record Phase(Histogram latency, long completed, long errors, long unanswered, long elapsedNanos, int maxQueued,
                 java.util.Map<Integer, Long> errorStatuses, long lost) {
        double rps() {
            return elapsedNanos <= 0 ? 0 : completed * 1e9 / elapsedNanos;
        }
    }

    private final EventLoops loops = new EventLoops(1);
    private final EventLoop loop = loops.group().next();
    private final long threadId;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    BenchClient() {
        threadId = call(() -> Thread.currentThread().getId());
    }

    /** CPU time the client's thread has used so far. */
    long cpuNanos() {
        return threads.getThreadCpuTime(threadId);
    }

    long threadId() {
        return threadId;
    }

    /** Opens {@code n} keep-alive connections to {@code address} that all send {@code request}. */
    Connections connect(InetSocketAddress address, byte[] request, int n) {
        Connections c = new Connections(Unpooled.directBuffer(request.length).writeBytes(request));
        Bootstrap b = new Bootstrap().group(loop).channel(loops.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("bench", new Conn(c, ch));
                    }
                });
        for (int i = 0; i < n; i++) {
            Channel ch = b.connect(address).syncUninterruptibly().channel();
            c.all.add(ch.pipeline().get(Conn.class));
        }
        return c;
    }

    /** Sends at {@code rps} for {@code duration}, then waits (up to 5 s) for the answers. */
    Phase openLoop(Connections c, double rps, Duration duration) {
        if (!(rps > 0)) {
            throw new IllegalArgumentException("rps: " + rps + " (expected: > 0)");
        }
        OpenLoop run = new OpenLoop(c, 1e9 / rps, duration.toNanos());
        loop.execute(run::begin);
        return await(run.done, duration);
    }

    /** Keeps every connection busy for {@code duration}: the most the target answers. */
    Phase closedLoop(Connections c, Duration duration) {
        ClosedLoop run = new ClosedLoop(c, duration.toNanos());
        loop.execute(run::begin);
        return await(run.done, duration);
    }

    private static Phase await(CompletableFuture<Phase> done, Duration duration) {
        try {
            return done.get(duration.toMillis() + TimeUnit.NANOSECONDS.toMillis(DRAIN_NANOS) + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("bench phase did not finish: " + e, e);
        }
    }

    private <T> T call(java.util.concurrent.Callable<T> task) {
        try {
            return loop.submit(task).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        loops.close();
    }

    /** A set of connections to one target; touched only on the client's event loop. */
    final class Connections implements AutoCloseable {
        private final ByteBuf raw;
        /** Sends take duplicates of this; only {@link #close()} releases the bytes. */
        private final ByteBuf request;
        private final List<Conn> all = new ArrayList<>();
        private Run run;

        private Connections(ByteBuf raw) {
            this.raw = raw;
            this.request = Unpooled.unreleasableBuffer(raw);
        }

        /** Whether every connection is open and between two responses (false after a reset or an unanswered request). */
        boolean healthy() {
            return call(() -> all.stream().allMatch(x -> x.channel.isActive() && x.scanner.idle() && !x.busy));
        }

        @Override
        public void close() {
            for (Conn x : all) {
                x.channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
            if (raw.refCnt() > 0) {
                raw.release();
            }
        }
    }

    private final class Conn extends ChannelInboundHandlerAdapter {
        final Connections owner;
        final Channel channel;
        final ResponseScanner scanner = new ResponseScanner();
        final ResponseScanner.Sink sink = this::answered;
        long intendedNanos;
        boolean busy;

        Conn(Connections owner, Channel channel) {
            this.owner = owner;
            this.channel = channel;
        }

        void send(long intended) {
            intendedNanos = intended;
            busy = true;
            channel.writeAndFlush(owner.request.retainedDuplicate(), channel.voidPromise());
        }

        private void answered(int status) {
            busy = false;
            Run r = owner.run;
            if (r != null) {
                r.answered(this, status, System.nanoTime() - intendedNanos);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                scanner.feed(in, sink);
            } catch (IllegalStateException e) {
                ctx.close();
            } finally {
                in.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Run r = owner.run;
            if (busy && r != null) {
                busy = false;
                r.lost(this);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** One phase's state, confined to the client's event loop. */
    private abstract class Run {
        final Connections c;
        final Histogram histogram = new Histogram(MAX_NANOS, 3);
        final CompletableFuture<Phase> done = new CompletableFuture<>();
        final long durationNanos;
        long startNanos;
        long endNanos;
        long completed;
        long errors;
        long lost;
        final java.util.TreeMap<Integer, Long> errorStatuses = new java.util.TreeMap<>();
        int inFlight;
        boolean sending = true;

        Run(Connections c, long durationNanos) {
            this.c = c;
            this.durationNanos = durationNanos;
        }

        void begin() {
            c.run = this;
            startNanos = System.nanoTime();
            endNanos = startNanos + durationNanos;
            loop.schedule(this::giveUp, durationNanos + DRAIN_NANOS, TimeUnit.NANOSECONDS);
            start();
        }

        abstract void start();

        abstract void answered(Conn conn, int status, long latencyNanos);

        void lost(Conn conn) {
            inFlight--;
            errors++;
            lost++;
            maybeDone();
        }

        void record(int status, long latencyNanos) {
            inFlight--;
            completed++;
            if (status < 200 || status >= 400) {
                errors++;
                errorStatuses.merge(status, 1L, Long::sum);
            }
            histogram.recordValue(Math.min(Math.max(latencyNanos, 1), MAX_NANOS));
        }

        void maybeDone() {
            if (!sending && inFlight == 0 && queued() == 0) {
                finish(0);
            }
        }

        int queued() {
            return 0;
        }

        int maxQueued() {
            return 0;
        }

        long measuredNanos() {
            return durationNanos;
        }

        private void giveUp() {
            if (!done.isDone()) {
                sending = false;
                finish(inFlight);
            }
        }

        void finish(long unanswered) {
            if (done.isDone()) {
                return;
            }
            c.run = null;
            done.complete(new Phase(histogram, completed, errors, unanswered, measuredNanos(), maxQueued(), errorStatuses, lost));
        }
    }

    private final class OpenLoop extends Run {
        private final double periodNanos;
        private final ArrayDeque<Conn> idle = new ArrayDeque<>();
        private final LongQueue waiting = new LongQueue();
        private long index;
        private int maxQueued;

        OpenLoop(Connections c, double periodNanos, long durationNanos) {
            super(c, durationNanos);
            this.periodNanos = periodNanos;
        }

        @Override
        void start() {
            for (Conn x : c.all) {
                if (x.channel.isActive()) {
                    idle.add(x);
                }
            }
            tick();
        }

        private long due(long i) {
            return startNanos + Math.round(i * periodNanos);
        }

        private void tick() {
            long now = System.nanoTime();
            long due;
            while ((due = due(index)) <= now && due < endNanos) {
                index++;
                dispatch(due);
            }
            if (due < endNanos) {
                loop.schedule(this::tick, due - System.nanoTime(), TimeUnit.NANOSECONDS);
            } else {
                sending = false;
                maybeDone();
            }
        }

        private void dispatch(long intended) {
            inFlight++;
            Conn conn = idle.pollFirst();
            if (conn != null) {
                conn.send(intended);
            } else {
                waiting.add(intended);
                maxQueued = Math.max(maxQueued, waiting.size());
            }
        }

        @Override
        void answered(Conn conn, int status, long latencyNanos) {
            record(status, latencyNanos);
            next(conn);
        }

        private void next(Conn conn) {
            if (!waiting.isEmpty()) {
                conn.send(waiting.poll());
            } else {
                idle.addLast(conn);
            }
            maybeDone();
        }

        @Override
        int queued() {
            return waiting.size();
        }

        @Override
        int maxQueued() {
            return maxQueued;
        }
    }

    private final class ClosedLoop extends Run {
        ClosedLoop(Connections c, long durationNanos) {
            super(c, durationNanos);
        }

        @Override
        void start() {
            for (Conn x : c.all) {
                if (x.channel.isActive()) {
                    inFlight++;
                    x.send(System.nanoTime());
                }
            }
            sending = inFlight > 0;
            maybeDone();
        }

        @Override
        void answered(Conn conn, int status, long latencyNanos) {
            long now = System.nanoTime();
            if (now <= endNanos) {
                // answers after the end are not counted: the rate covers exactly the phase
                record(status, latencyNanos);
            } else {
                inFlight--;
            }
            if (now < endNanos) {
                inFlight++;
                conn.send(System.nanoTime());
            } else {
                sending = false;
            }
            maybeDone();
        }

    }

    /** A growable FIFO of longs (intended send times waiting for a free connection). */
    static final class LongQueue {
        private long[] items = new long[64];
        private int head;
        private int size;

        void add(long v) {
            if (size == items.length) {
                long[] bigger = new long[items.length * 2];
                for (int i = 0; i < size; i++) {
                    bigger[i] = items[(head + i) % items.length];
                }
                items = bigger;
                head = 0;
            }
            items[(head + size) % items.length] = v;
            size++;
        }

        long poll() {
            long v = items[head];
            head = (head + 1) % items.length;
            size--;
            return v;
        }

        boolean isEmpty() {
            return size == 0;
        }

        int size() {
            return size;
        }
    }
}
