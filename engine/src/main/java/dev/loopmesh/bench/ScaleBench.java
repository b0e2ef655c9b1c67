package dev.loopmesh.bench;

import dev.loopmesh.Mesh;
import dev.loopmesh.MeshOptions;
import dev.loopmesh.controlplane.ApplyResult;
import dev.loopmesh.dataplane.Proxy;
import dev.loopmesh.internal.TimeScale;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.TopologyLoader;
import io.netty.util.internal.PlatformDependent;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code loopmesh bench --scale 100,1000,5000}: starts N idle pods (N services of one pod each) and
 * reports what a pod costs in memory, the threads and the start time; then times config pushes: a
 * VirtualService for one service that every proxy routes to, applied again and again with a changing
 * timeout, from {@code Mesh.apply} until every changed proxy holds the new snapshot version.
 */
final class ScaleBench {
    static final int MAX_PODS = 20_000;
    private static final long APPLY_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final PrintStream progress;

    ScaleBench(PrintStream progress) {
        this.progress = progress;
    }

    /** @param unscoped also measure Istio's default, where every proxy sees every service */
    ScaleReport run(List<Integer> sizes, int applies, boolean unscoped) {
        Machine machine = Machine.current();
        List<ScaleResult> results = new ArrayList<>();
        for (int n : sizes) {
            results.add(measure(n, true, applies));
            if (!unscoped) {
                continue;
            }
            // every proxy sees every service, but sidecars of one shape share one translation: N, not N²
            results.add(measure(n, false, applies));
        }
        return new ScaleReport(machine, Machine.currentLoad(), results);
    }

    /** N services {@code svc-0…}, one pod each; scoped adds a mesh-wide Sidecar whose egress is svc-0 alone. */
    static String topology(int pods, boolean scoped) {
        StringBuilder y = new StringBuilder(64 * pods + 512);
        y.append("apiVersion: loopmesh.dev/v1\nkind: Mesh\nmetadata: {name: scale}\nspec:\n  namespace: default\n  services:\n");
        for (int i = 0; i < pods; i++) {
            y.append("  - {name: svc-").append(i).append(", port: 8080, workloads: [{version: v1}]}\n");
        }
        if (scoped) {
            y.append("""
                    ---
                    apiVersion: networking.istio.io/v1
                    kind: Sidecar
                    metadata: {name: default, namespace: istio-system}
                    spec:
                      egress:
                      - hosts: ["*/svc-0.default.svc.cluster.local"]
                    """);
        }
        return y.toString();
    }

    /** The resource each timed apply changes: svc-0's route timeout, so every proxy that routes to svc-0 gets a new snapshot. */
    static String virtualService(int i) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: svc-0, namespace: default}
                spec:
                  hosts: [svc-0]
                  http:
                  - timeout: %dms
                    route: [{destination: {host: svc-0}}]
                """.formatted(1000 + i);
    }

    private ScaleResult measure(int n, boolean scoped, int applies) {
        String mode = scoped ? "scoped" : "unscoped";
        progress.printf(Locale.ROOT, "scale: %d pods (%s)…%n", n, mode);
        Memory before = Memory.now();
        long t0 = System.nanoTime();
        Mesh mesh;
        try {
            mesh = Mesh.start(new TopologyLoader().loadString("scale.yaml", topology(n, scoped)), new MeshOptions(0, -1, false, TimeScale.REAL, 1));
        } catch (RuntimeException | OutOfMemoryError e) {
            return ScaleResult.failed(n, scoped, "could not start: " + e);
        }
        try {
            long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            Memory after = Memory.now();
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();
            long fds = openFiles();
            long fdLimit = fileLimit();
            progress.printf(Locale.ROOT, "  started in %d ms; %.1f KiB heap + %.1f KiB direct per pod; %d threads; %d of %d files open%n",
                    startMillis, (after.heap - before.heap) / 1024.0 / n, (after.direct - before.direct) / 1024.0 / n, threads, fds, fdLimit);
            Histogram convergence = new Histogram(TimeUnit.SECONDS.toNanos(600), 3);
            int done = 0;
            int pushed = 0;
            long budgetEnd = System.nanoTime() + APPLY_BUDGET_NANOS;
            for (int i = 0; i < applies + 1 && System.nanoTime() < budgetEnd; i++) {
                List<MeshResource> vs = mesh.parseResources(virtualService(i));
                long a0 = System.nanoTime();
                ApplyResult r = mesh.apply(vs);
                Set<String> changed = new LinkedHashSet<>();
                r.outcomes().forEach(o -> changed.addAll(o.proxies()));
                awaitVersion(mesh, changed, r.version());
                long took = System.nanoTime() - a0;
                if (i > 0) {
                    // the first apply creates the VirtualService; the timed ones change it
                    convergence.recordValue(took);
                    done++;
                    pushed = changed.size();
                }
            }
            LatencySummary c = LatencySummary.ofNanos(convergence);
            progress.printf(Locale.ROOT, "  push to %d proxies: p50 %.1f ms, p99 %.1f ms over %d applies%n", pushed, c.p50Us() / 1000,
                    c.p99Us() / 1000, done);
            return new ScaleResult(n, scoped, startMillis, (after.heap - before.heap) / n, (after.direct - before.direct) / n,
                    (after.rss - before.rss) / n, threads, fds, fdLimit, done, pushed, c.p50Us() / 1000, c.p99Us() / 1000,
                    c.maxUs() / 1000, null);
        } catch (RuntimeException | OutOfMemoryError e) {
            return ScaleResult.failed(n, scoped, "failed while running: " + e);
        } finally {
            mesh.close();
        }
    }

    /** Waits until every named proxy holds {@code version} or later (a push is synchronous today: this returns at once). */
    private static void awaitVersion(Mesh mesh, Set<String> proxies, long version) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (String p : proxies) {
            Proxy proxy = mesh.proxy(p).orElse(null);
            while (proxy != null && proxy.snapshot().version() < version) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("proxy " + p + " did not reach version " + version + " within 30 s");
                }
                Thread.onSpinWait();
            }
        }
    }

    /** Memory after a full collection: heap in use, direct buffers, resident set. */
    private record Memory(long heap, long direct, long rss) {
        static Memory now() {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long direct = 0;
            for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                if (b.getName().equals("direct")) {
                    direct += b.getMemoryUsed();
                }
            }
            // Netty's buffers without a Cleaner are not in the JDK's pool: count them too
            if (PlatformDependent.useDirectBufferNoCleaner()) {
                direct += Math.max(0, PlatformDependent.usedDirectMemory());
            }
            return new Memory(heap, direct, residentBytes());
        }
    }

    private static long residentBytes() {
        return statusField("VmRSS:") * 1024;
    }

    private static long statusField(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return 0;
    }

    private static long openFiles() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long fileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    return Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
