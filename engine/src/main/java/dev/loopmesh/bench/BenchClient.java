package dev.loopmesh.bench;

import dev.loopmesh.internal.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
 *
 * <p>A server may close a keep-alive connection at any time: the sidecar closes one that sends no request
 * within its request-headers timeout, HAProxy and nginx close idle ones, a proxy may reset one mid-request.
 * So a connection is not assumed to live from one phase to the next: each phase starts by reopening every
 * connection that closed, or that still waits for an answer of an earlier phase (its late answer would
 * count against this one), and during a phase a connection that closes is replaced at once, its request
 * counted as lost. Without this, requests queued for a connection that no longer exists would wait
 * forever with every thread idle.
 */
final class BenchClient implements AutoCloseable {
    /** Latencies are recorded in nanoseconds, up to a minute, to 3 significant digits. */
    static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int CONNECT_TIMEOUT_MILLIS = 5000;
    /** Pause before opening a connection again after a failed attempt, during a phase. */
    private static final long RETRY_MILLIS = 100;

    /**
     * What one phase measured. Latencies are nanoseconds; {@code lost} requests were in flight on a connection
     * that closed; {@code reopened} connections were opened anew for the phase (before it, as the server had
     * closed them, or during it).
     */
    record Phase(Histogram latency, long completed, long errors, long unanswered, long elapsedNanos, int maxQueued,
                 java.util.Map<Integer, Long> errorStatuses, long lost, long reopened) {
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
        if (n < 1) {
            throw new IllegalArgumentException("n: " + n + " (expected: >= 1)");
        }
        Connections c = new Connections(address, Unpooled.directBuffer(request.length).writeBytes(request), n);
        List<ChannelFuture> opened = call(() -> {
            List<ChannelFuture> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(c.open(i));
            }
            return out;
        });
        for (ChannelFuture f : opened) {
            f.syncUninterruptibly();
        }
        return c;
    }

    /** Sends at {@code rps} for {@code duration}, then waits (up to 5 s) for the answers. */
    Phase openLoop(Connections c, double rps, Duration duration) {
        if (!(rps > 0)) {
            throw new IllegalArgumentException("rps: " + rps + " (expected: > 0)");
        }
        long reopened = c.prepare();
        OpenLoop run = new OpenLoop(c, 1e9 / rps, duration.toNanos(), reopened);
        loop.execute(run::begin);
        return await(run.done, duration);
    }

    /** Keeps every connection busy for {@code duration}: the most the target answers. */
    Phase closedLoop(Connections c, Duration duration) {
        long reopened = c.prepare();
        ClosedLoop run = new ClosedLoop(c, duration.toNanos(), reopened);
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

    /**
     * A fixed number of connection slots to one target; each holds an open connection or none (closed,
     * reopening). Touched only on the client's event loop.
     */
    final class Connections implements AutoCloseable {
        private final InetSocketAddress address;
        private final ByteBuf raw;
        /** Sends take duplicates of this; only {@link #close()} releases the bytes. */
        private final ByteBuf request;
        private final Conn[] slots;
        /** Slots whose connection is being opened. */
        private final boolean[] opening;
        private final Bootstrap bootstrap;
        private Run run;
        private boolean closed;

        private Connections(InetSocketAddress address, ByteBuf raw, int n) {
            this.address = address;
            this.raw = raw;
            this.request = Unpooled.unreleasableBuffer(raw);
            this.slots = new Conn[n];
            this.opening = new boolean[n];
            this.bootstrap = new Bootstrap().group(loop).channel(loops.socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
        }

        /** Opens the connection of {@code slot}; it takes the slot once connected. On the client's loop. */
        private ChannelFuture open(int slot) {
            Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast("bench", new Conn(Connections.this, ch, slot));
                }
            });
            opening[slot] = true;
            ChannelFuture f = b.connect(address);
            f.addListener((ChannelFuture done) -> {
                opening[slot] = false;
                if (closed) {
                    done.channel().close();
                } else if (done.isSuccess() && done.channel().isActive()) {
                    Conn conn = done.channel().pipeline().get(Conn.class);
                    slots[slot] = conn;
                    if (run != null) {
                        run.connected(conn);
                    }
                } else if (run != null) {
                    // the target may be restarting: try again shortly, while a phase needs the connection
                    loop.schedule(() -> reopenIfNeeded(slot), RETRY_MILLIS, TimeUnit.MILLISECONDS);
                }
            });
            return f;
        }

        /** A phase is running and {@code slot} has no connection: open one. */
        private void reopenIfNeeded(int slot) {
            if (!closed && run != null && slots[slot] == null && !opening[slot]) {
                run.reopened++;
                open(slot);
            }
        }

        /** The connection of {@code conn}'s slot closed. */
        private void gone(Conn conn) {
            if (slots[conn.slot] != conn) {
                return; // replaced already (prepare closed it)
            }
            slots[conn.slot] = null;
            Run r = run;
            if (r != null) {
                r.disconnected(conn);
                reopenIfNeeded(conn.slot);
            }
        }

        /**
         * Before a phase (on the caller's thread): reopens every connection that is closed, or that still waits
         * for an answer or holds part of one from an earlier phase, and waits for them to connect.
         *
         * @return how many connections were opened anew
         */
        private long prepare() {
            List<ChannelFuture> opening = call(() -> {
                List<ChannelFuture> out = new ArrayList<>();
                for (int i = 0; i < slots.length; i++) {
                    Conn x = slots[i];
                    if (x != null && x.ready()) {
                        continue;
                    }
                    if (x != null) {
                        slots[i] = null;
                        x.channel.close();
                    }
                    out.add(open(i));
                }
                return out;
            });
            for (ChannelFuture f : opening) {
                // a connection that cannot be opened leaves its slot empty: the phase shows it as unanswered requests
                f.awaitUninterruptibly(CONNECT_TIMEOUT_MILLIS + 1000L);
            }
            return opening.size();
        }

        /** Open connections that stand between two responses (for tests). */
        int ready() {
            return call(() -> (int) java.util.Arrays.stream(slots).filter(x -> x != null && x.ready()).count());
        }

        @Override
        public void close() {
            List<ChannelFuture> closing = call(() -> {
                closed = true;
                List<ChannelFuture> out = new ArrayList<>();
                for (int i = 0; i < slots.length; i++) {
                    if (slots[i] != null) {
                        out.add(slots[i].channel.close());
                        slots[i] = null;
                    }
                }
                return out;
            });
            for (ChannelFuture f : closing) {
                f.awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
            if (raw.refCnt() > 0) {
                raw.release();
            }
        }
    }

    private final class Conn extends ChannelInboundHandlerAdapter {
        final Connections owner;
        final Channel channel;
        final int slot;
        final ResponseScanner scanner = new ResponseScanner();
        final ResponseScanner.Sink sink = this::answered;
        long intendedNanos;
        boolean busy;

        Conn(Connections owner, Channel channel, int slot) {
            this.owner = owner;
            this.channel = channel;
            this.slot = slot;
        }

        /** Open, and between two responses: a request sent now is the only one on this connection. */
        boolean ready() {
            return channel.isActive() && !busy && scanner.idle();
        }

        void send(long intended) {
            intendedNanos = intended;
            busy = true;
            // a failed write fires exceptionCaught, which closes the connection: the request is then counted as lost
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
            owner.gone(this);
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
        /** Connections opened anew for this phase: before it (counted by the caller) and during it. */
        long reopened;

        Run(Connections c, long durationNanos, long reopenedBefore) {
            this.c = c;
            this.durationNanos = durationNanos;
            this.reopened = reopenedBefore;
        }

        void begin() {
            c.run = this;
            startNanos = System.nanoTime();
            endNanos = startNanos + durationNanos;
            loop.schedule(this::giveUp, durationNanos + DRAIN_NANOS, TimeUnit.NANOSECONDS);
            start();
            for (int i = 0; i < c.slots.length; i++) {
                c.reopenIfNeeded(i); // a slot whose connection could not be opened before the phase
            }
        }

        abstract void start();

        abstract void answered(Conn conn, int status, long latencyNanos);

        /** A connection (re)opened during the phase is ready for requests. */
        abstract void connected(Conn conn);

        /** A connection closed (its request in flight, if any, was reported lost first). */
        void disconnected(Conn conn) {
        }

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
            done.complete(new Phase(histogram, completed, errors, unanswered, measuredNanos(), maxQueued(), errorStatuses, lost, reopened));
        }
    }

    private final class OpenLoop extends Run {
        private final double periodNanos;
        private final ArrayDeque<Conn> idle = new ArrayDeque<>();
        private final LongQueue waiting = new LongQueue();
        private long index;
        private int maxQueued;

        OpenLoop(Connections c, double periodNanos, long durationNanos, long reopenedBefore) {
            super(c, durationNanos, reopenedBefore);
            this.periodNanos = periodNanos;
        }

        @Override
        void start() {
            for (Conn x : c.slots) {
                if (x != null && x.ready()) {
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
            // idle holds only open connections with nothing in flight: one that closes leaves it (disconnected)
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

        @Override
        void connected(Conn conn) {
            next(conn);
        }

        @Override
        void disconnected(Conn conn) {
            idle.remove(conn);
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
        ClosedLoop(Connections c, long durationNanos, long reopenedBefore) {
            super(c, durationNanos, reopenedBefore);
        }

        @Override
        void start() {
            for (Conn x : c.slots) {
                if (x != null && x.ready()) {
                    inFlight++;
                    x.send(System.nanoTime());
                }
            }
            loop.schedule(() -> {
                sending = false;
                maybeDone();
            }, durationNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        void connected(Conn conn) {
            if (System.nanoTime() < endNanos) {
                inFlight++;
                conn.send(System.nanoTime());
            }
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
