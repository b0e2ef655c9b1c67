package dev.loopmesh.app.perf;

import dev.loopmesh.MeshOptions;
import dev.loopmesh.app.DesktopApp;
import dev.loopmesh.app.common.EngineMeshSource;
import dev.loopmesh.app.common.Screenshots;
import dev.loopmesh.app.graph.FrameStats;
import dev.loopmesh.app.shell.MainView;
import dev.loopmesh.app.shell.MainViewModel;
import dev.loopmesh.app.shell.MeshState;
import dev.loopmesh.controlplane.Translator;
import dev.loopmesh.controlplane.istio.IstioTranslator;
import dev.loopmesh.topology.BehaviorSpec;
import dev.loopmesh.topology.CallSpec;
import dev.loopmesh.topology.IngressSpec;
import dev.loopmesh.topology.LatencySpec;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.Protocol;
import dev.loopmesh.topology.ServiceSpec;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TrafficClientSpec;
import dev.loopmesh.topology.WorkloadSpec;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.stage.Stage;
import javafx.util.Duration;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code loopmesh --perf-report}: opens the window on a generated mesh of {@value #LAYERS} × {@value #PER_LAYER}
 * services (a layered call graph, every service calling two of the next layer, every fifth one with two
 * versions) under load, lets the graph fill, then measures the frame-to-frame times of the graph's
 * animation timer (JavaFX pulses) and prints p50/p95/p99.
 *
 * <p>Options: {@code --rate N} (ingress requests a second, default 8), {@code --warmup 20s},
 * {@code --measure 20s}, {@code --screenshot OUT.png}.
 */
public final class PerfReport {
    static final int LAYERS = 5;
    static final int PER_LAYER = 40;

    private PerfReport() {
    }

    /** The generated mesh: {@code s<layer>-<i>}, ingress routes {@code /e<i>/} to the first layer. */
    public static Topology generated(double rate) {
        List<ServiceSpec> services = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            for (int i = 0; i < PER_LAYER; i++) {
                String name = name(l, i);
                List<CallSpec> calls = new ArrayList<>();
                if (l + 1 < LAYERS) {
                    for (int k : new int[] {(2 * i) % PER_LAYER, (2 * i + 1) % PER_LAYER}) {
                        calls.add(new CallSpec(name(l + 1, k), "default", "/", "GET", Map.of(), java.time.Duration.ofSeconds(5), 1, List.of(), null));
                    }
                }
                BehaviorSpec b = new BehaviorSpec(LatencySpec.ZERO, 0, 500, 0, Map.of(), calls, true, false, 500);
                List<WorkloadSpec> workloads = new ArrayList<>();
                workloads.add(new WorkloadSpec(name, "default", "v1", 1, name, Map.of(), true, b, null, null));
                if (i % 5 == 0) {
                    workloads.add(new WorkloadSpec(name, "default", "v2", 1, name, Map.of(), true, b, null, null));
                }
                services.add(new ServiceSpec(name, "default", 9080, Protocol.HTTP, workloads, null));
            }
        }
        List<IngressSpec.Route> routes = new ArrayList<>();
        List<TrafficClientSpec.Weighted> paths = new ArrayList<>();
        for (int i = 0; i < PER_LAYER; i++) {
            // "/e1/", not "/e1": a prefix route for /e1 would also take /e10 to /e19
            routes.add(new IngressSpec.Route("/e" + i + "/", name(0, i), "default", null));
            paths.add(new TrafficClientSpec.Weighted("/e" + i + "/", 1));
        }
        MeshSpec mesh = new MeshSpec("generated-200", "default", services, new IngressSpec(routes),
                List.of(new TrafficClientSpec("perf", "ingress", "GET", paths, rate, Map.of(), null)), null);
        return new Topology(mesh, List.of(), List.of(), List.of());
    }

    private static String name(int layer, int i) {
        return "s" + layer + "-" + i;
    }

    /**
     * The graph alone on the generated mesh's layout, fed with made-up edge statistics ten times a second
     * (most declared calls carrying traffic, a few failing, the failing set changing every 2 s): the
     * rendering cost without an engine in the same process competing for the cores.
     */
    static int synthetic(long warmup, long measure) {
        Topology topology = generated(8);
        CompletableFuture<String> report = new CompletableFuture<>();
        try {
            Platform.startup(() -> { });
        } catch (IllegalStateException running) {
            // already up
        }
        Platform.runLater(() -> {
            dev.loopmesh.app.graph.GraphViewModel vm = new dev.loopmesh.app.graph.GraphViewModel();
            dev.loopmesh.app.graph.GraphView view = new dev.loopmesh.app.graph.GraphView(vm);
            Stage stage = new Stage();
            javafx.scene.Scene scene = new javafx.scene.Scene(view, 1480, 920);
            scene.getStylesheets().add(DesktopApp.class.getResource("/dev/loopmesh/app/loopmesh.css").toExternalForm());
            stage.setScene(scene);
            stage.show();
            vm.showMesh(topology.mesh());
            java.util.Random random = new java.util.Random(7);
            long[] tick = {0};
            javafx.animation.Timeline feed = new javafx.animation.Timeline(new javafx.animation.KeyFrame(Duration.millis(100), e -> {
                // like a live mesh: a call in nine idle (drawn as a declared link), the services ending in -7
                // failing a quarter of their calls, and every 2 s another handful turning red (a repaint)
                long flap = tick[0]++ / 20;
                List<dev.loopmesh.telemetry.EdgeSnapshot> edges = new ArrayList<>();
                int index = 0;
                for (dev.loopmesh.app.graph.GraphLayout.Link l : vm.layout().links()) {
                    if (index++ % 9 == 4) {
                        continue;
                    }
                    String from = l.from().equals(dev.loopmesh.app.graph.GraphLayout.INGRESS) ? l.from() : l.from() + "-v1";
                    double rps = 2 + random.nextDouble() * 3;
                    long requests = Math.round(rps * 10);
                    boolean failing = l.to().endsWith("-7") || Math.floorMod(l.hashCode(), 40) == flap % 40;
                    long failed = failing ? requests / 4 : 0;
                    edges.add(new dev.loopmesh.telemetry.EdgeSnapshot(from, l.to() + "-v1", l.to() + ".default.svc.cluster.local", 10, requests,
                            rps, (double) (requests - failed) / requests, 3, 8, 12 + random.nextDouble(),
                            Map.of("200", requests - failed), failed == 0 ? Map.of() : Map.of("UO", failed), true));
                }
                vm.updateEdges(edges);
            }));
            feed.setCycleCount(javafx.animation.Animation.INDEFINITE);
            feed.play();
            PauseTransition warm = new PauseTransition(Duration.millis(warmup));
            RenderCpu cpu = new RenderCpu();
            warm.setOnFinished(x -> {
                FrameStats stats = view.frameStats();
                stats.reset();
                cpu.reset();
                PauseTransition run = new PauseTransition(Duration.millis(measure));
                run.setOnFinished(y -> {
                    feed.stop();
                    report.complete(String.format(Locale.ROOT,
                            "loopmesh perf report (graph alone, synthetic statistics): %d services, %d edges, measured %d s, %d frames, %.1f fps%n"
                                    + "  frame time p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms; window %.0fx%.0f, pipeline %s%n  %s%n",
                            topology.mesh().services().size(), vm.edges().size(), measure / 1000, stats.frames(), stats.meanFps(),
                            stats.percentileMillis(0.5), stats.percentileMillis(0.95), stats.percentileMillis(0.99), stats.percentileMillis(1.0),
                            stage.getWidth(), stage.getHeight(), pipeline(), cpu.describe(stats, measure / 1000.0)));
                    stage.hide();
                });
                run.play();
            });
            warm.play();
        });
        String text = report.join();
        Platform.exit();
        System.out.print(text);
        return 0;
    }

    public static int run(String[] args) {
        if (java.util.Arrays.asList(args).contains("--synthetic")) {
            long w = 5000;
            long m = 20000;
            for (int i = 0; i < args.length - 1; i++) {
                if (args[i].equals("--warmup")) {
                    w = seconds(args[i + 1]);
                } else if (args[i].equals("--measure")) {
                    m = seconds(args[i + 1]);
                }
            }
            return synthetic(w, m);
        }
        double rate = 8;
        long warmup = 20_000;
        long measure = 20_000;
        Path screenshot = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--warmup" -> warmup = seconds(args[++i]);
                case "--measure" -> measure = seconds(args[++i]);
                case "--screenshot" -> screenshot = Path.of(args[++i]);
                default -> {
                    // --perf-report itself, and the desktop's options, are ignored
                }
            }
        }
        Topology topology = generated(rate);
        EngineMeshSource source = new EngineMeshSource(new EngineMeshSource.Wiring() {
            @Override
            public Topology topology(List<Path> files) {
                return topology;
            }

            @Override
            public Translator translator(Topology t) {
                return new IstioTranslator();
            }
        }, new MeshOptions(0, -1, true, null, 1));
        CompletableFuture<String> report = new CompletableFuture<>();
        try {
            Platform.startup(() -> { });
        } catch (IllegalStateException running) {
            // already up
        }
        long w = warmup;
        long m = measure;
        Path shot = screenshot;
        double r = rate;
        Platform.runLater(() -> {
            Stage stage = new Stage();
            MainViewModel vm = DesktopApp.createWindow(stage, source, List.of());
            MainView view = (MainView) stage.getScene().getRoot();
            stage.show();
            long t0 = System.nanoTime();
            vm.stateProperty().addListener((o, a, s) -> {
                if (s == MeshState.FAILED) {
                    report.complete("the mesh did not start: " + vm.messageProperty().get());
                } else if (s == MeshState.RUNNING) {
                    double startSeconds = (System.nanoTime() - t0) / 1e9;
                    PauseTransition warm = new PauseTransition(Duration.millis(w));
                    RenderCpu cpu = new RenderCpu();
                    warm.setOnFinished(x -> {
                        FrameStats stats = view.graphView().frameStats();
                        stats.reset();
                        cpu.reset();
                        PauseTransition run = new PauseTransition(Duration.millis(m));
                        run.setOnFinished(y -> {
                            String text = String.format(Locale.ROOT,
                                    "loopmesh perf report: %d services (%d workloads), %d edges with traffic, ingress %.0f rps%n"
                                            + "  mesh started in %.1f s; warm-up %d s; measured %d s, %d frames, %.1f fps%n"
                                            + "  frame time p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%n"
                                            + "  window %.0fx%.0f, pipeline %s, %s%n  %s%n",
                                    topology.mesh().services().size(), topology.mesh().workloads().size(), vm.graph().edges().size(), r,
                                    startSeconds, w / 1000, m / 1000, stats.frames(), stats.meanFps(),
                                    stats.percentileMillis(0.5), stats.percentileMillis(0.95), stats.percentileMillis(0.99),
                                    stats.percentileMillis(1.0), stage.getWidth(), stage.getHeight(), pipeline(), SceneCensus.of(stage.getScene().getRoot()),
                                    cpu.describe(stats, m / 1000.0));
                            if (shot != null) {
                                try {
                                    Screenshots.writePng(Screenshots.toBufferedImage(stage.getScene().snapshot(null)), shot);
                                } catch (java.io.IOException e) {
                                    System.err.println("loopmesh: cannot write " + shot + ": " + e.getMessage());
                                }
                            }
                            stage.hide();
                            new Thread(() -> {
                                vm.close();
                                report.complete(text);
                            }, "loopmesh-perf-close").start();
                        });
                        run.play();
                    });
                    warm.play();
                }
            });
            vm.start();
        });
        String text = report.join();
        Platform.exit();
        System.out.print(text);
        return text.startsWith("loopmesh perf report") ? 0 : 1;
    }

    /** The Prism pipeline in use ({@code sw}, {@code es2}, …), or what was asked for when it cannot be told. */
    private static String pipeline() {
        try {
            Object p = Class.forName("com.sun.prism.GraphicsPipeline").getMethod("getPipeline").invoke(null);
            String name = p == null ? "" : p.getClass().getSimpleName();
            return name.isEmpty() ? System.getProperty("prism.order", "default") : name.replace("Pipeline", "").toLowerCase(Locale.ROOT);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return System.getProperty("prism.order", "default");
        }
    }

    private static long seconds(String s) {
        String v = s.endsWith("s") ? s.substring(0, s.length() - 1) : s;
        return Math.round(Double.parseDouble(v) * 1000);
    }
}
