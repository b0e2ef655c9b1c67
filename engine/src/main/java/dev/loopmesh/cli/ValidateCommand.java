package dev.loopmesh.cli;

import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.ProblemCodes;
import dev.loopmesh.topology.Position;
import dev.loopmesh.topology.ResourceChecker;
import dev.loopmesh.topology.Severity;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TopologyException;
import dev.loopmesh.topology.TopologyLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/**
 * {@code loopmesh validate FILE…}: loads and checks topology files without starting anything, prints
 * each finding on one line and a summary; exit 0 when clean, 1 with warnings only, 2 with errors.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Load and check topology files without starting anything.",
                "Files are read like `kubectl apply -f`: the file with the Mesh document defines the mesh, the others add "
                        + "resources; with no Mesh among them the built-in Bookinfo mesh is used.",
                "Prints one line per problem (file:line:col: severity code: message (at path)) and a summary."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:no problems", "1:warnings only", "2:errors (or a file that cannot be read)"})
public final class ValidateCommand implements Callable<Integer> {
    public static final int OK = 0;
    public static final int WARNINGS = 1;
    public static final int ERRORS = 2;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..*",
            description = "Topology files (multi-document YAML). None: the built-in Bookinfo mesh.")
    private List<Path> files = new ArrayList<>();

    @Option(names = "--debug", description = "Print stack traces of unexpected failures.")
    private boolean debug;

    private final ResourceChecker checker;
    private final TopologyLoader loader;

    public ValidateCommand() {
        this(ResourceChecker.NONE);
    }

    /** @param checker extra checks on the loaded resources (the control plane's validation) */
    public ValidateCommand(ResourceChecker checker) {
        this(checker, new TopologyLoader());
    }

    public ValidateCommand(ResourceChecker checker, TopologyLoader loader) {
        this.checker = requireNonNull(checker, "checker");
        this.loader = requireNonNull(loader, "loader");
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Problem> problems = new ArrayList<>();
        Topology topology = null;
        try {
            topology = loader.load(files);
            problems.addAll(topology.warnings());
            problems.addAll(checker.check(topology));
        } catch (TopologyException e) {
            problems.addAll(e.problems());
        } catch (RuntimeException e) {
            if (debug) {
                e.printStackTrace(spec.commandLine().getErr());
            }
            String where = files.isEmpty() ? "<built-in>" : files.get(0).toString();
            problems.add(Problem.error(ProblemCodes.INTERNAL, new Position(where, 0, 0), "",
                    "internal error: " + e + (debug ? "" : " (run with --debug for the stack trace)")));
        }
        long errors = problems.stream().filter(p -> p.severity() == Severity.ERROR).count();
        long warnings = problems.stream().filter(p -> p.severity() == Severity.WARNING).count();
        for (Problem p : problems) {
            out.println(p);
        }
        if (topology != null && errors == 0) {
            out.println(summary(topology));
        }
        out.println(plural(errors, "error") + ", " + plural(warnings, "warning"));
        out.flush();
        return errors > 0 ? ERRORS : warnings > 0 ? WARNINGS : OK;
    }

    private String summary(Topology topology) {
        String source = files.isEmpty() ? "built-in " + TopologyLoader.DEFAULT_BUILT_IN : String.join(", ", files.stream().map(Path::toString).toList());
        return source + ": mesh " + topology.mesh().name() + ", " + plural(topology.mesh().services().size(), "service") + ", "
                + plural(topology.mesh().workloads().size(), "workload") + ", " + plural(topology.resources().size(), "resource");
    }

    private static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
