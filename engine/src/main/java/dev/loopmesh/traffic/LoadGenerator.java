package dev.loopmesh.traffic;

import dev.loopmesh.internal.EventLoops;
import dev.loopmesh.internal.TimeScale;
import dev.loopmesh.topology.TrafficClientSpec;
import dev.loopmesh.workload.client.ClientRequest;
import dev.loopmesh.workload.client.ClientResponse;
import dev.loopmesh.workload.client.HttpClientPool;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/**
 * Open-loop load: named clients, each sending at a fixed arrival rate from one event loop of the
 * shared group (no threads of its own), latency measured from each request's intended send time.
 * Clients can be added, re-rated, paused and removed while running.
 */
public final class LoadGenerator implements AutoCloseable {
    /**
     * @param maxInFlight requests a client may have in flight; beyond that it drops and counts them
     * @param timeout     a request without an answer by then counts as an error (configured time)
     * @param slot        the length of one window interval (real time)
     * @param windowSlots how many intervals rps and percentiles cover
     */
    public record Options(int maxInFlight, Duration timeout, Duration slot, int windowSlots) {
        public static final Options DEFAULT = new Options(256, Duration.ofSeconds(30), Duration.ofSeconds(1), 10);

        public Options {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: >= 1)");
            }
            requireNonNull(timeout, "timeout");
            requireNonNull(slot, "slot");
            if (slot.isZero() || slot.isNegative()) {
                throw new IllegalArgumentException("slot: " + slot + " (expected: > 0)");
            }
            if (windowSlots < 1) {
                throw new IllegalArgumentException("windowSlots: " + windowSlots + " (expected: >= 1)");
            }
        }

        long slotNanos() {
            return slot.toNanos();
        }
    }

    private final EventLoops loops;
    private final TimeScale scale;
    private final RandomGenerator seeds;
    private final Options options;
    private final LongSupplier ticker;
    private final HttpClientPool pool;
    private final Map<String, LoadClient> clients = new ConcurrentHashMap<>();
    private final List<String> order = new ArrayList<>();
    private volatile boolean started;

    public LoadGenerator(EventLoops loops, TimeScale scale, RandomGenerator random) {
        this(loops, scale, random, Options.DEFAULT, System::nanoTime);
    }

    /** @param ticker nanosecond time; it must advance with real time, as the event loop's timers do */
    public LoadGenerator(EventLoops loops, TimeScale scale, RandomGenerator random, Options options, LongSupplier ticker) {
        this.loops = requireNonNull(loops, "loops");
        this.scale = requireNonNull(scale, "scale");
        this.seeds = requireNonNull(random, "random");
        this.options = requireNonNull(options, "options");
        this.ticker = requireNonNull(ticker, "ticker");
        this.pool = new HttpClientPool(loops, options.maxInFlight(), HttpClientPool.DEFAULT_MAX_RESPONSE_BYTES, false);
    }

    /** Adds a client; it starts sending at once if the generator runs. */
    public synchronized void add(TrafficClientSpec spec, TrafficTarget target) {
        requireNonNull(spec, "spec");
        requireNonNull(target, "target");
        if (clients.containsKey(spec.name())) {
            throw new IllegalArgumentException("client: " + spec.name() + " (expected: a name not yet used)");
        }
        LoadClient c = new LoadClient(spec, target, loops.group().next(), pool, new SplittableRandom(seeds.nextLong()),
                ticker, scale, options);
        clients.put(spec.name(), c);
        order.add(spec.name());
        if (started) {
            c.start();
        }
    }

    public synchronized void remove(String client) {
        LoadClient c = clients.remove(client);
        if (c != null) {
            order.remove(client);
            c.stop();
        }
    }

    public synchronized void start() {
        started = true;
        clients.values().forEach(LoadClient::start);
    }

    public void setRate(String client, double perSecond) {
        get(client).setRate(perSecond);
    }

    public void pause(String client) {
        get(client).pause();
    }

    public void resume(String client) {
        get(client).resume();
    }

    public synchronized TrafficSnapshot snapshot() {
        List<ClientStats> stats = new ArrayList<>();
        for (String name : order) {
            stats.add(clients.get(name).stats());
        }
        return new TrafficSnapshot(stats);
    }

    /**
     * Sends one request (the CLI's and the app's "send one request"), on a pooled connection; completes
     * with status, headers and body, or fails with the transport's reason.
     */
    public CompletableFuture<ClientResponse> send(InetSocketAddress address, ClientRequest request) {
        return send(address, request, options.timeout());
    }

    public CompletableFuture<ClientResponse> send(InetSocketAddress address, ClientRequest request, Duration timeout) {
        CompletableFuture<ClientResponse> result = new CompletableFuture<>();
        pool.send(loops.group().next(), address, request, timeout == null ? 0 : scale.scaleNanos(timeout)).addListener(f -> {
            if (f.isSuccess()) {
                result.complete((ClientResponse) f.getNow());
            } else {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }

    private LoadClient get(String client) {
        LoadClient c = clients.get(client);
        if (c == null) {
            throw new IllegalArgumentException("client: " + client + " (expected: one of " + clients.keySet() + ")");
        }
        return c;
    }

    @Override
    public synchronized void close() {
        started = false;
        clients.values().forEach(LoadClient::stop);
        pool.close();
    }
}
