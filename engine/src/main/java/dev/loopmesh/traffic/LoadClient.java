package dev.loopmesh.traffic;

import dev.loopmesh.internal.TimeScale;
import dev.loopmesh.topology.TrafficClientSpec;
import dev.loopmesh.workload.client.ClientFailures;
import dev.loopmesh.workload.client.ClientRequest;
import dev.loopmesh.workload.client.ClientResponse;
import dev.loopmesh.workload.client.HttpClientPool;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * One open-loop client, confined to one event loop: a timer fires each request at its intended time,
 * whatever the earlier ones are doing, up to {@code maxInFlight} in flight; beyond that a request is
 * dropped and counted, never queued. Counters are readable from any thread.
 */
final class LoadClient {
    private static final int MAX_BURST = 10_000;

    private final TrafficClientSpec spec;
    private final TrafficTarget target;
    private final EventLoop loop;
    private final HttpClientPool pool;
    private final RandomGenerator random;
    private final LongSupplier ticker;
    private final TimeScale scale;
    private final LoadGenerator.Options options;
    private final WeightedPicker paths;
    private final Map<String, WeightedPicker> headers = new LinkedHashMap<>();
    private final LatencyWindow window;

    private final LongAdder sent = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> flags = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errorReasons = new ConcurrentHashMap<>();
    private volatile int inFlight;
    private volatile double rate;
    private volatile boolean paused;

    // event-loop state
    private ArrivalSchedule schedule;
    private ScheduledFuture<?> tick;
    private ScheduledFuture<?> rotation;
    private boolean running;

    LoadClient(TrafficClientSpec spec, TrafficTarget target, EventLoop loop, HttpClientPool pool, RandomGenerator random,
               LongSupplier ticker, TimeScale scale, LoadGenerator.Options options) {
        this.spec = spec;
        this.target = target;
        this.loop = loop;
        this.pool = pool;
        this.random = random;
        this.ticker = ticker;
        this.scale = scale;
        this.options = options;
        this.paths = new WeightedPicker(spec.paths());
        spec.headers().forEach((name, values) -> headers.put(name, new WeightedPicker(values)));
        this.rate = spec.ratePerSecond();
        this.window = new LatencyWindow(options.windowSlots(), ticker.getAsLong());
    }

    String name() {
        return spec.name();
    }

    void start() {
        loop.execute(() -> {
            if (running) {
                return;
            }
            running = true;
            long now = ticker.getAsLong();
            schedule = new ArrivalSchedule(now, realPeriod(rate));
            long slot = options.slotNanos();
            rotation = loop.scheduleAtFixedRate(() -> window.rotate(ticker.getAsLong()), slot, slot, TimeUnit.NANOSECONDS);
            if (!paused) {
                tick();
            }
        });
    }

    void stop() {
        loop.execute(() -> {
            running = false;
            cancel(tick);
            cancel(rotation);
        });
    }

    void setRate(double perSecond) {
        double period = ArrivalSchedule.periodOf(perSecond); // validates before anything changes
        rate = perSecond;
        loop.execute(() -> {
            if (schedule != null) {
                schedule.changePeriod(ticker.getAsLong(), scale.scaleNanos(Math.round(period)));
                if (running && !paused) {
                    cancel(tick);
                    tick();
                }
            }
        });
    }

    void pause() {
        paused = true;
        loop.execute(() -> cancel(tick));
    }

    void resume() {
        loop.execute(() -> {
            if (!paused) {
                return;
            }
            paused = false;
            if (running) {
                schedule.restartAt(ticker.getAsLong());
                tick();
            }
        });
    }

    private double realPeriod(double perSecond) {
        return scale.scaleNanos(Math.round(ArrivalSchedule.periodOf(perSecond)));
    }

    private void tick() {
        tick = null;
        if (!running || paused) {
            return;
        }
        long now = ticker.getAsLong();
        schedule.drain(now, MAX_BURST, this::fire);
        long delay = Math.max(0, schedule.nextDue() - ticker.getAsLong());
        tick = loop.schedule(this::tick, delay, TimeUnit.NANOSECONDS);
    }

    private void fire(long intendedNanos) {
        if (inFlight >= options.maxInFlight()) {
            dropped.increment();
            return;
        }
        InetSocketAddress address = target.address().get();
        if (address == null) {
            fail("no address for target " + spec.target());
            return;
        }
        sent.increment();
        inFlight++;
        pool.send(loop, address, request(), scale.scaleNanos(options.timeout()))
                .addListener(f -> answered(f, intendedNanos));
    }

    private ClientRequest request() {
        List<Map.Entry<String, String>> h = new ArrayList<>(headers.size());
        for (Map.Entry<String, WeightedPicker> e : headers.entrySet()) {
            String value = e.getValue().pick(random);
            if (!value.isEmpty()) {
                h.add(Map.entry(e.getKey(), value));
            }
        }
        return new ClientRequest(spec.method(), paths.pick(random), target.authority(), h, false);
    }

    private void answered(Future<? super ClientResponse> f, long intendedNanos) {
        inFlight--;
        if (!f.isSuccess()) {
            fail(ClientFailures.describe(f.cause()));
            return;
        }
        ClientResponse r = (ClientResponse) f.getNow();
        window.record(scale.toConfiguredNanos(ticker.getAsLong() - intendedNanos) / 1000);
        completed.increment();
        statuses.computeIfAbsent(r.status(), s -> new LongAdder()).increment();
        String flag = r.responseFlags();
        if (!flag.isEmpty()) {
            flags.computeIfAbsent(flag, x -> new LongAdder()).increment();
        }
    }

    private void fail(String reason) {
        errors.increment();
        errorReasons.computeIfAbsent(reason, x -> new LongAdder()).increment();
    }

    ClientStats stats() {
        LatencyWindow.Summary s = window.summary();
        double configuredSeconds = scale.toConfiguredNanos(s.nanos()) / 1e9;
        double rps = configuredSeconds > 0 ? s.count() / configuredSeconds : 0;
        return new ClientStats(spec.name(), rate, paused, sent.sum(), completed.sum(), dropped.sum(), errors.sum(), inFlight,
                sums(statuses), sums(flags), sums(errorReasons), configuredSeconds, rps,
                s.p50Micros() / 1000.0, s.p95Micros() / 1000.0, s.p99Micros() / 1000.0);
    }

    private static <K> Map<K, Long> sums(Map<K, LongAdder> counters) {
        Map<K, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}
