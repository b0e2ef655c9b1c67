package dev.loopmesh.cli;

import dev.loopmesh.security.AuthzMatrix;
import dev.loopmesh.topology.TopologyLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code loopmesh authz matrix FILE…}: who can call whom, offline. */
@Command(name = "authz", mixinStandardHelpOptions = true, description = "Authorization tools.",
        subcommands = {AuthzCommand.Matrix.class})
public final class AuthzCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return LoopmeshCli.BAD_INPUT;
    }

    @Command(name = "matrix", mixinStandardHelpOptions = true,
            description = {"For every pair of workloads (and the ingress gateway as a caller), on the destination's port: "
                    + "is a GET / allowed, over mTLS or not, and which policy decides. Nothing is started."})
    static final class Matrix implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "FILE", description = "Topology files (the built-in Bookinfo when none).")
        List<Path> files = new ArrayList<>();

        @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
        String output;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (!output.equals("table") && !output.equals("json")) {
                spec.commandLine().getErr().println("error: -o " + output + " (expected: table or json)");
                return LoopmeshCli.BAD_INPUT;
            }
            TopologyLoader loader = new TopologyLoader();
            List<AuthzMatrix.Cell> cells = AuthzMatrix.compute(files.isEmpty() ? loader.builtIn() : loader.load(files));
            if (output.equals("json")) {
                out.println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(cells));
            } else {
                out.printf("%-24s %-24s %-6s %-6s %-5s %s%n", "SOURCE", "DESTINATION", "PORT", "RESULT", "MTLS", "DECIDED BY");
                for (AuthzMatrix.Cell c : cells) {
                    out.printf("%-24s %-24s %-6d %-6s %-5s %s%n", c.source(), c.destination(), c.port(), c.allowed() ? "allow" : "DENY",
                            c.mtls() ? "yes" : "no", c.decidedBy());
                }
            }
            out.flush();
            return LoopmeshCli.OK;
        }
    }
}
