package dev.loopmesh.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code loopmesh traces [ID]}: the traces a running mesh kept — a list, one trace as a waterfall, or an
 * export that Jaeger or Zipkin can open.
 */
@Command(name = "traces", mixinStandardHelpOptions = true,
        description = {"List the traces of a running mesh, show one as a waterfall, or export them.",
                "  loopmesh traces                          the newest traces",
                "  loopmesh traces ID                       one trace: every span, indented under its parent",
                "  loopmesh traces --export zipkin --out t.json   every kept trace as Zipkin v2 JSON (or otlp)"})
public class TracesCommand implements Callable<Integer> {
    static final JsonMapper JSON = JsonMapper.builder().build();

    @Parameters(arity = "0..1", paramLabel = "ID", description = "A trace id from the list (32 hex digits).")
    String id;

    @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "How many traces to list, newest first (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--export", paramLabel = "FORMAT", description = "Export every kept trace: zipkin (v2 JSON) or otlp (OTLP/JSON).")
    String export;

    @Option(names = "--out", paramLabel = "FILE", description = "With --export: the file to write (default: stdout).")
    Path out;

    @Option(names = "--admin-port", defaultValue = "15000", description = "The running mesh's admin port (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        AdminClient admin = new AdminClient(adminPort);
        PrintWriter w = spec.commandLine().getOut();
        if (export != null) {
            if (id != null) {
                throw new IllegalArgumentException("--export writes every kept trace (expected: no ID with --export)");
            }
            if (!export.equals("zipkin") && !export.equals("otlp")) {
                throw new IllegalArgumentException("--export " + export + " (expected: zipkin or otlp)");
            }
            HttpResponse<String> r = admin.get("/api/traces/export?format=" + export);
            if (r.statusCode() != 200) {
                return error(r);
            }
            if (out == null) {
                w.print(r.body());
            } else {
                Path parent = out.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(out, r.body());
                w.printf(Locale.ROOT, "wrote %s (%s, %d bytes)%n", out, export.equals("zipkin") ? "Zipkin v2 JSON" : "OTLP/JSON",
                        r.body().getBytes(StandardCharsets.UTF_8).length);
            }
            w.flush();
            return LoopmeshCli.OK;
        }
        if (out != null) {
            throw new IllegalArgumentException("--out " + out + " (expected: only with --export)");
        }
        if (id == null) {
            HttpResponse<String> r = admin.get("/api/traces?limit=" + Math.max(1, limit));
            if (r.statusCode() != 200) {
                return error(r);
            }
            w.print(list(JSON.readTree(r.body())));
        } else {
            HttpResponse<String> r = admin.get("/api/traces/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                return error(r);
            }
            w.print(Waterfall.render(JSON.readTree(r.body())));
        }
        w.flush();
        return LoopmeshCli.OK;
    }

    private int error(HttpResponse<String> r) {
        PrintWriter err = spec.commandLine().getErr();
        err.print("error: " + r.body());
        err.flush();
        return LoopmeshCli.BAD_INPUT;
    }

    static String list(JsonNode summaries) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode t : summaries) {
            rows.add(List.of(t.get("traceId").asText(), t.get("rootService").asText(), Integer.toString(t.get("spanCount").asInt()),
                    Tables.ms(t.get("durationMs").asDouble())));
        }
        if (rows.isEmpty()) {
            return "no traces yet (send a request through the mesh, or check the sampling)\n";
        }
        return Tables.render(List.of("TRACE_ID", "ROOT_SERVICE", "SPANS", "DURATION"), rows);
    }
}
