package dev.loopmesh.cli;

import dev.loopmesh.Mesh;
import dev.loopmesh.MeshOptions;
import dev.loopmesh.admin.AdminServer;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.TopologyWatcher;
import dev.loopmesh.internal.TimeScale;
import dev.loopmesh.telemetry.AccessLogFiles;
import dev.loopmesh.topology.Durations;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TopologyLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code loopmesh run --headless}: the mesh without a window, a live table on stdout, a report at the end. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Start a mesh: the control plane, the workloads, a sidecar per pod, the ingress gateway and the load.",
                "The file holding the Mesh document defines the mesh; the other files add resources. "
                        + "With no Mesh among them (or no file), the built-in Bookinfo is used."})
public class RunCommand implements java.util.concurrent.Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "FILE", description = "Topology files and resource files.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--headless", description = "Run without the desktop app (without it, `run` opens the app).")
    boolean headless;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long (e.g. 30s, 5m); default: until Ctrl-C.")
    String duration;

    @Option(names = "--ingress-port", defaultValue = "8080", description = "Ingress gateway port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = any).")
    int ingressPort;

    @Option(names = "--admin-port", defaultValue = "15000", description = "Admin API port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = any).")
    int adminPort;

    @Option(names = "--report", paramLabel = "FILE", description = "Write a JSON report (per edge: requests, responses, latency) at the end.")
    Path report;

    @Option(names = "--no-traffic", description = "Start without the topology's load clients: only the requests you send flow.")
    boolean noTraffic;

    @Option(names = "--time-scale", defaultValue = "1", paramLabel = "F",
            description = "Run every configured duration F times as long (0.1 replays a 7 s story in 0.7 s).")
    double timeScale;

    @Option(names = "--trace-sampling", defaultValue = "100", paramLabel = "PERCENT",
            description = "Percent of new traces to record, 0..100 (default: ${DEFAULT-VALUE}; Istio's default is 1). "
                    + "A request that arrives with a sampling decision keeps it.")
    double traceSampling;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of every random choice, so a run can be repeated.")
    long seed;

    @Option(names = "--no-watch", description = "Do not re-apply resources when a topology file is saved.")
    boolean noWatch;

    @Option(names = "--interval", defaultValue = "5s", paramLabel = "DURATION", description = "How often to print the table (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--access-log-dir", paramLabel = "DIR", description = "Also write each proxy's access log to DIR/<proxy>.log (.jsonl with json).")
    Path accessLogDir;

    @Option(names = "--access-log-encoding", defaultValue = "text", paramLabel = "ENC",
            description = "text (Istio's default format) or json (Istio's JSON fields) (default: ${DEFAULT-VALUE}).")
    String accessLogEncoding;

    @Override
    public Integer call() throws Exception {
        Duration stopAfter = duration == null ? null : Durations.parse(duration);
        Duration every = Durations.parse(interval);
        if (!headless) {
            return LoopmeshCli.openDesktop(files, null, "0s", ingressPort, adminPort, !noTraffic);
        }
        PrintStream out = System.out;
        long t0 = System.nanoTime();
        Topology topology = new TopologyLoader().load(files);
        for (Problem w : topology.warnings()) {
            System.err.println(w);
        }
        if (!(traceSampling >= 0 && traceSampling <= 100)) {
            throw new IllegalArgumentException("--trace-sampling " + traceSampling + " (expected: 0..100 percent)");
        }
        MeshOptions options = new MeshOptions(ingressPort, adminPort, !noTraffic, new TimeScale(timeScale), seed, traceSampling);
        AccessLogFiles.Encoding encoding = AccessLogFiles.Encoding.parse(accessLogEncoding);
        Mesh mesh = Mesh.start(topology, options);
        if (accessLogDir != null) {
            try {
                AccessLogFiles files = new AccessLogFiles(accessLogDir, encoding);
                mesh.telemetry().addSink(files);
                mesh.onClose(files);
            } catch (RuntimeException e) {
                mesh.close();
                throw new IllegalArgumentException("--access-log-dir " + accessLogDir + ": " + e.getMessage(), e);
            }
        }
        long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        printAddresses(out, mesh, startMillis);
        TopologyWatcher watcher = null;
        if (!noWatch && !files.isEmpty()) {
            watcher = new TopologyWatcher(topology, () -> new TopologyLoader().load(files), mesh.controlPlane(), outcome -> {
                if (outcome.loadFailed()) {
                    mesh.events().add("config", "REJECTED", String.join(" ", files.stream().map(Path::toString).toList()),
                            outcome.lines().size() > 1 ? outcome.lines().get(1).trim() : outcome.lines().get(0), List.of(), 0);
                }
                outcome.lines().forEach(l -> out.println("watch: " + l));
                out.flush();
            });
            out.println("watching " + topology.files().size() + " file(s): saving one re-applies what changed");
        }

        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "loopmesh-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        long deadline = stopAfter == null ? Long.MAX_VALUE : System.nanoTime() + stopAfter.toNanos();
        try {
            while (true) {
                long wait = Math.min(every.toNanos(), deadline - System.nanoTime());
                if (wait <= 0 || stop.await(wait, TimeUnit.NANOSECONDS)) {
                    break;
                }
                out.println();
                out.print(Tables.workloads(mesh.telemetry().workloads().snapshot(10)));
                out.flush();
            }
            out.println();
            out.println("final, since start:");
            var totals = mesh.telemetry().workloads().totals();
            out.print(Tables.workloads(totals));
            if (report != null) {
                writeReport(mesh, startMillis);
                out.println("report: " + report.toAbsolutePath());
            }
        } finally {
            if (watcher != null) {
                watcher.close();
            }
            mesh.close();
            out.println("stopped; nothing is listening any more");
            out.flush();
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for `stopped`
            }
        }
        return LoopmeshCli.OK;
    }

    private static void printAddresses(PrintStream out, Mesh mesh, long startMillis) {
        out.printf(Locale.ROOT, "mesh %s: %d services, %d pods, started in %d ms (mTLS on %s)%n", mesh.topology().mesh().name(),
                mesh.topology().mesh().services().size(), mesh.registry().pods().size(), startMillis,
                dev.loopmesh.security.MeshTls.providerName());
        if (!mesh.perPodAddresses()) {
            out.println("note: this machine routes only 127.0.0.1, so pods share it with allocated ports");
        }
        out.printf(Locale.ROOT, "ingress   http://127.0.0.1:%d/%n", mesh.ingressAddress().getPort());
        mesh.admin().map(AdminServer::address).ifPresent(a -> out.printf(Locale.ROOT, "admin     http://127.0.0.1:%d/api/topology%n", a.getPort()));
        for (PodInfo p : mesh.registry().pods()) {
            out.printf(Locale.ROOT, "pod %-24s app %s:%d%s%n", p.name(), p.appHost(), p.appPort(),
                    p.sidecar() ? "  inbound " + p.address() + ":" + p.inboundPort() + "  outbound " + p.address() + ":" + p.outboundPort() : "  (no sidecar)");
        }
        out.flush();
    }

    private void writeReport(Mesh mesh, long startMillis) throws IOException {
        Report.write(report, mesh, startMillis);
    }
}
