package dev.loopmesh.cli;

import dev.loopmesh.MeshStartException;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.RegistryPlanner;
import dev.loopmesh.controlplane.MeshTranslator;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TopologyLoader;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.TopologyException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/**
 * {@code loopmesh}: with no verb, the desktop app; with a verb, the headless engine. Exit codes: 0
 * success, 1 when an assertion or validation finds problems, 2 on bad input.
 */
@Command(name = "loopmesh", mixinStandardHelpOptions = true, version = "loopmesh 0.1.0",
        description = {"A service mesh that runs on one laptop.",
                "With no command: opens the desktop app on FILE… (the built-in Bookinfo mesh when none).",
                "Every command takes --debug to print the stack trace of an error."},
        subcommands = {RunCommand.class, ApplyCommand.class,
                ApplyCommand.Delete.class, DescribeCommand.class, GetCommand.class, ChaosCommand.class, LogsCommand.class, TracesCommand.class, TopCommand.class,
                AuthzCommand.class, TokenCommand.class, CommandLine.HelpCommand.class})
public final class LoopmeshCli implements Callable<Integer> {
    public static final int OK = 0;
    public static final int FINDINGS = 1;
    public static final int BAD_INPUT = 2;

    @Parameters(arity = "0..*", paramLabel = "FILE", description = "Topology files (the built-in Bookinfo when none).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--screenshot", paramLabel = "OUT.png", description = "Write a PNG of the main window, then exit.")
    Path screenshot;

    @Option(names = "--after", paramLabel = "DURATION", defaultValue = "8s",
            description = "With --screenshot: how long to let the mesh run first (default: ${DEFAULT-VALUE}).")
    String after;

    @Option(names = "--ingress-port", defaultValue = "8080", description = "Ingress gateway port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = any).")
    int ingressPort;

    @Option(names = "--admin-port", defaultValue = "15000", description = "Admin API port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = any).")
    int adminPort;

    @Option(names = "--no-traffic", description = "Start without the topology's load clients.")
    boolean noTraffic;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (what {@link #main} exits with). */
    public static int execute(String... args) {
        // --debug works with every command: taken out here, it turns on stack traces of errors
        boolean debug = List.of(args).contains("--debug");
        args = java.util.Arrays.stream(args).filter(a -> !a.equals("--debug")).toArray(String[]::new);
        CommandLine cl = new CommandLine(new LoopmeshCli());
        cl.addSubcommand("validate", new ValidateCommand(LoopmeshCli::checkResources));
        cl.addSubcommand("route", new RouteCommand(files -> new TopologyLoader().load(files)));
        cl.addSubcommand("bench", new BenchCommand());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> report(e, cmd.getErr(), debug));
        cl.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("error: " + e.getMessage() + " (see: loopmesh " + e.getCommandLine().getCommandName() + " --help)");
            return BAD_INPUT;
        });
        return cl.execute(args);
    }

    static int report(Exception e, PrintWriter err, boolean debug) {
        if (e instanceof TopologyException) {
            for (Problem p : ((TopologyException) e).problems()) {
                err.println(p);
            }
        } else if (e instanceof MeshStartException || e instanceof IllegalArgumentException) {
            err.println("error: " + e.getMessage());
        } else {
            err.println("error: " + e);
        }
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return BAD_INPUT;
    }

    /** What the control plane would say of the topology's resources: `istioctl analyze` for `validate`. */
    static List<Problem> checkResources(Topology topology) {
        MeshTranslator translator = new MeshTranslator();
        Registry registry = RegistryPlanner.perPodAddresses(topology.mesh(), 1);
        // a finding of one resource that the cross-resource analysis finds again is told once
        java.util.Set<Problem> out = new java.util.LinkedHashSet<>();
        for (MeshResource r : topology.resources()) {
            out.addAll(translator.validate(r, registry, topology.resources()));
        }
        out.addAll(translator.analyze(registry, topology.resources()));
        return new ArrayList<>(out);
    }

    @Override
    public Integer call() {
        return openDesktop(files, screenshot, after, ingressPort, adminPort, !noTraffic);
    }

    static int openDesktop(List<Path> files, Path screenshot, String after, int ingressPort, int adminPort, boolean traffic) {
        DesktopOpener opener = ServiceLoader.load(DesktopOpener.class).findFirst().orElse(null);
        if (opener == null) {
            System.err.println("error: the desktop app is not on the class path (expected: the loopmesh-app module) — "
                    + "use `loopmesh run --headless` for the engine alone");
            return BAD_INPUT;
        }
        long afterMillis = dev.loopmesh.topology.Durations.parse(after).toMillis();
        return opener.open(files, new DesktopOpener.DesktopOptions(screenshot, afterMillis, ingressPort, adminPort, traffic));
    }
}
