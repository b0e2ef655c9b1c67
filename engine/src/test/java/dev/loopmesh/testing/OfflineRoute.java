package dev.loopmesh.testing;

import dev.loopmesh.cli.RouteCommand;
import dev.loopmesh.topology.TopologyLoader;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code loopmesh route} run in-process on a topology given as a YAML string, as the CLI runs it on files. */
public final class OfflineRoute {
    /** What the command printed, and its exit code. */
    public record Run(int code, String out, String err) {
    }

    private OfflineRoute() {
    }

    /** Runs {@code loopmesh route topology.yaml ARGS…} where the file's content is {@code yaml}. */
    public static Run run(String yaml, String... args) {
        RouteCommand cmd = new RouteCommand(files -> new TopologyLoader().loadString("topology.yaml", yaml));
        CommandLine cl = new CommandLine(cmd);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>();
        all.add("topology.yaml");
        all.addAll(List.of(args));
        int code = cl.execute(all.toArray(new String[0]));
        return new Run(code, out.toString(), err.toString());
    }
}
