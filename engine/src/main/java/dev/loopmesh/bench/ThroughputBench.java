package dev.loopmesh.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code loopmesh bench}: every configuration side by side in one JVM run, on loopback. For each round,
 * every configuration gets a latency phase (open loop at a fixed rate) in turn, then a saturation phase
 * (closed loop) in turn, in an order that rotates from round to round.
 */
final class ThroughputBench {
    static final String FLOOR = "client-floor";
    static final String DIRECT = "direct";
    static final String ONE_SIDECAR = "one-sidecar";
    static final String MESH = "mesh";
    static final String MESH_MTLS = "mesh-mtls";
    static final String HAPROXY = "haproxy";
    static final String NGINX = "nginx";
    static final List<String> NAMES = List.of(DIRECT, ONE_SIDECAR, MESH, MESH_MTLS, HAPROXY, NGINX);

    private final BenchSettings settings;
    private final PrintStream progress;
    private ThreadCpu loops;
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    ThroughputBench(BenchSettings settings, PrintStream progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** What one configuration has accumulated so far. */
    private static final class Totals {
        final BenchTarget target;
        final Histogram latency = new Histogram(BenchClient.MAX_NANOS, 3);
        BenchClient.Connections connections;
        long requests;
        long errors;
        long jvmCpu;
        long externalCpu;
        long clientCpu;
        long satCompleted;
        long satNanos;
        long satJvmCpu;
        long satExternalCpu;
        long loopCpu;
        long satLoopCpu;
        long gcMillis;
        long satAllocated;
        int maxQueued;

        Totals(BenchTarget target) {
            this.target = target;
        }
    }

    private record Cpu(long process, long client, long loops, long external, long gcMillis, long allocated) {
    }

    BenchReport run() throws IOException {
        long t0 = System.nanoTime();
        Machine machine = Machine.current();
        List<Skipped> skipped = new ArrayList<>();
        List<AutoCloseable> closeLast = new ArrayList<>();
        Path dir = Files.createTempDirectory("loopmesh-bench");
        progress.printf(Locale.ROOT, "machine: %s%n", machine.describe());
        try (BenchMesh bm = BenchMesh.start(settings.responseBytes(), settings.tracePercent()); BenchClient client = new BenchClient()) {
            loops = ThreadCpu.of(bm.mesh.eventLoops().group());
            String authority = bm.authority();
            BenchTarget direct = new BenchTarget(DIRECT, "client → app", 0, bm.app(), BenchTarget.get(authority, "/"), () -> 0, true);
            int body = probe(direct).bodyBytes();
            try (CannedServer canned = new CannedServer(bm.mesh.eventLoops(), body)) {
                return measure(machine, t0, bm, client, canned, direct, skipped, dir, closeLast);
            }
        } finally {
            for (AutoCloseable c : closeLast) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // the others still need stopping
                }
            }
            deleteTree(dir);
        }
    }

    private BenchReport measure(Machine machine, long t0, BenchMesh bm, BenchClient client, CannedServer canned, BenchTarget direct,
                                List<Skipped> skipped, Path dir, List<AutoCloseable> closeLast) {
        List<BenchTarget> targets = new ArrayList<>();
        String authority = bm.authority();
        BenchTarget floor = new BenchTarget(FLOOR, "client → canned responder (the client's own floor)", 0, canned.address(),
                BenchTarget.get(authority, "/"), () -> 0, true);
        targets.add(direct);
        maybe(targets, skipped, ONE_SIDECAR, () -> new BenchTarget(ONE_SIDECAR, "client → server sidecar inbound → app", 1,
                bm.serverInbound(), BenchTarget.get(authority, "/"), () -> 0, true));
        maybe(targets, skipped, MESH, () -> new BenchTarget(MESH, "client → client sidecar outbound (HTTP proxy) → server sidecar inbound → app",
                2, bm.clientOutbound(), BenchTarget.proxyGet(authority, "/"), () -> 0, true));
        maybe(targets, skipped, MESH_MTLS, () -> new BenchTarget(MESH_MTLS,
                "client → client sidecar outbound → mTLS (TLS 1.3, STRICT PeerAuthentication) → server sidecar inbound → app",
                2, bm.clientOutbound(), BenchTarget.proxyGet(bm.mtlsAuthority(), "/"), () -> 0, true));
        maybe(targets, skipped, HAPROXY, () -> external(HAPROXY, dir, bm.app(), authority, closeLast));
        maybe(targets, skipped, NGINX, () -> external(NGINX, dir, bm.app(), authority, closeLast));
        List<Totals> all = new ArrayList<>();
        for (BenchTarget t : Stream.concat(Stream.of(floor), targets.stream()).toList()) {
            try {
                Probe.Answer a = probe(t);
                if (a.status() != 200) {
                    skipped.add(new Skipped(t.name(), "answered " + a.status() + " instead of 200: "
                            + a.head().lines().findFirst().orElse("")));
                    continue;
                }
            } catch (IOException e) {
                skipped.add(new Skipped(t.name(), "no answer: " + e.getMessage()));
                continue;
            }
            Totals tot = new Totals(t);
            tot.connections = client.connect(t.address(), t.request(), settings.connections());
            all.add(tot);
        }
        progress.printf(Locale.ROOT, "configurations: %s; response body %d bytes%n",
                all.stream().map(x -> x.target.name()).toList(), canned.bodyBytes());
        skipped.forEach(s -> progress.printf(Locale.ROOT, "skipped %s: %s%n", s.name(), s.reason()));
        warmUp(client, all);
        for (int r = 0; r < settings.rounds(); r++) {
            List<Totals> order = rotate(all, r);
            for (Totals t : order) {
                latencyPhase(client, t);
            }
            for (Totals t : order) {
                saturationPhase(client, t);
            }
            progress.printf(Locale.ROOT, "round %d of %d done (load %.2f)%n", r + 1, settings.rounds(), Machine.currentLoad());
        }
        all.forEach(t -> t.connections.close());
        double loadAfter = Machine.currentLoad();
        Totals base = all.stream().filter(t -> t.target.name().equals(DIRECT)).findFirst().orElseThrow();
        List<ConfigResult> results = new ArrayList<>();
        ConfigResult floorResult = null;
        for (Totals t : all) {
            ConfigResult c = result(t, base);
            if (t.target.name().equals(FLOOR)) {
                floorResult = c;
            } else {
                results.add(c);
            }
        }
        results.sort(Comparator.comparingInt(c -> NAMES.indexOf(c.name())));
        return new BenchReport(machine, loadAfter, settings, results, skipped, floorResult,
                Duration.ofNanos(System.nanoTime() - t0).toMillis());
    }

    private interface TargetFactory {
        BenchTarget create() throws ExternalProxy.Unavailable;
    }

    private void maybe(List<BenchTarget> targets, List<Skipped> skipped, String name, TargetFactory f) {
        if (!settings.wants(name)) {
            return;
        }
        try {
            targets.add(f.create());
        } catch (ExternalProxy.Unavailable e) {
            skipped.add(new Skipped(name, e.getMessage()));
        }
    }

    /** Two hops of HAProxy or nginx in a row, standing for the two sidecars. */
    private static BenchTarget external(String kind, Path dir, InetSocketAddress app, String authority, List<AutoCloseable> closeLast)
            throws ExternalProxy.Unavailable {
        int first = freePort();
        int second = freePort();
        ExternalProxy hop2 = kind.equals(HAPROXY) ? ExternalProxy.haproxy(dir, second, app) : ExternalProxy.nginx(dir, second, app);
        closeLast.add(hop2);
        InetSocketAddress hop2Address = new InetSocketAddress("127.0.0.1", second);
        ExternalProxy hop1 = kind.equals(HAPROXY) ? ExternalProxy.haproxy(dir, first, hop2Address)
                : ExternalProxy.nginx(dir, first, hop2Address);
        closeLast.add(hop1);
        return new BenchTarget(kind, "client → " + kind + " → " + kind + " → app (two processes, one worker thread each)", 2,
                new InetSocketAddress("127.0.0.1", first), BenchTarget.get(authority, "/"),
                () -> hop1.cpuNanos() + hop2.cpuNanos(), false);
    }

    private static Probe.Answer probe(BenchTarget t) throws IOException {
        return Probe.once(t.address(), t.request());
    }

    private void warmUp(BenchClient client, List<Totals> all) {
        if (settings.warmup().isZero()) {
            return;
        }
        progress.printf(Locale.ROOT, "warming up %s each…%n", settings.warmup());
        for (Totals t : all) {
            client.closedLoop(t.connections, settings.warmup());
            client.openLoop(t.connections, settings.rps(), settings.warmup().dividedBy(2));
        }
    }

    private Cpu cpu(BenchClient client, Totals t) {
        return new Cpu(os.getProcessCpuTime(), client.cpuNanos(), loops.nanos(), t.target.externalCpuNanos().getAsLong(),
                ThreadCpu.gcMillis(), loops.allocatedBytes());
    }

    private void latencyPhase(BenchClient client, Totals t) {
        Cpu before = cpu(client, t);
        BenchClient.Phase p = client.openLoop(t.connections, settings.rps(), settings.latency());
        Cpu after = cpu(client, t);
        t.latency.add(p.latency());
        t.requests += p.completed();
        t.errors += p.errors() + p.unanswered();
        t.clientCpu += after.client - before.client;
        t.jvmCpu += (after.process - before.process) - (after.client - before.client);
        t.externalCpu += after.external - before.external;
        t.loopCpu += after.loops - before.loops;
        t.gcMillis += after.gcMillis - before.gcMillis;
        t.maxQueued = Math.max(t.maxQueued, p.maxQueued());
        reportErrors(t, "latency", p);
    }

    private void saturationPhase(BenchClient client, Totals t) {
        Cpu before = cpu(client, t);
        BenchClient.Phase p = client.closedLoop(t.connections, settings.saturation());
        Cpu after = cpu(client, t);
        t.satCompleted += p.completed();
        t.satNanos += p.elapsedNanos();
        t.errors += p.errors() + p.unanswered();
        t.satJvmCpu += (after.process - before.process) - (after.client - before.client);
        t.satExternalCpu += after.external - before.external;
        t.satLoopCpu += after.loops - before.loops;
        t.satAllocated += after.allocated - before.allocated;
        reportErrors(t, "saturation", p);
    }

    private void reportErrors(Totals t, String phase, BenchClient.Phase p) {
        if (p.errors() + p.unanswered() > 0) {
            progress.printf(Locale.ROOT, "%s %s: %d errors (statuses %s, %d connections lost, %d unanswered, %d connections reopened)%n",
                    t.target.name(), phase, p.errors() + p.unanswered(), p.errorStatuses(), p.lost(), p.unanswered(), p.reopened());
        }
    }

    private static ConfigResult result(Totals t, Totals base) {
        double jvm = Ratios.microsPerRequest(t.loopCpu, t.requests);
        double ext = Ratios.microsPerRequest(t.externalCpu, t.requests);
        double baseJvm = Ratios.microsPerRequest(base.loopCpu, base.requests);
        double satJvm = Ratios.microsPerRequest(t.satLoopCpu, t.satCompleted);
        double satExt = Ratios.microsPerRequest(t.satExternalCpu, t.satCompleted);
        double baseSatJvm = Ratios.microsPerRequest(base.satLoopCpu, base.satCompleted);
        int hops = t.target.hops();
        double perHop;
        double perHopSat;
        if (hops == 0) {
            perHop = jvm;
            perHopSat = satJvm;
        } else if (t.target.inJvm()) {
            perHop = Ratios.perHop(jvm, baseJvm, hops);
            perHopSat = Ratios.perHop(satJvm, baseSatJvm, hops);
        } else {
            perHop = ext / hops;
            perHopSat = satExt / hops;
        }
        double alloc = t.satCompleted == 0 ? Double.NaN : (double) t.satAllocated / t.satCompleted;
        double baseAlloc = base.satCompleted == 0 ? Double.NaN : (double) base.satAllocated / base.satCompleted;
        double allocPerHop = hops == 0 ? alloc : t.target.inJvm() ? Ratios.perHop(alloc, baseAlloc, hops) : Double.NaN;
        double maxRps = t.satNanos == 0 ? Double.NaN : t.satCompleted * 1e9 / t.satNanos;
        return new ConfigResult(t.target.name(), t.target.description(), hops, LatencySummary.ofNanos(t.latency), t.requests, t.errors,
                maxRps, perHop, perHopSat, jvm, Ratios.microsPerRequest(t.jvmCpu, t.requests),
                Ratios.microsPerRequest(t.clientCpu, t.requests), t.requests == 0 ? Double.NaN : t.gcMillis * 1000.0 / t.requests,
                allocPerHop, t.maxQueued);
    }

    /** Round r starts at the r-th configuration, so no configuration always runs first or last. */
    static <T> List<T> rotate(List<T> items, int r) {
        List<T> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(items.get((i + r) % items.size()));
        }
        return out;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
