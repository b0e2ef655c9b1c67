package dev.loopmesh.cli;

import dev.loopmesh.telemetry.EdgeSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code loopmesh get edges|workloads|events}: what a running mesh sees now. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Show live edges, workloads or config events of a running mesh.")
public class GetCommand implements Callable<Integer> {
    enum What { edges, workloads, events }

    @Parameters(paramLabel = "WHAT", description = "edges, workloads or events")
    What what;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE})")
    String output;

    @Option(names = "--window", defaultValue = "10", description = "Seconds the figures cover: 10 or 60 (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--admin-port", defaultValue = "15000", description = "The running mesh's admin port (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        java.io.PrintWriter out = spec.commandLine().getOut();
        if (!output.equals("table") && !output.equals("json")) {
            throw new IllegalArgumentException("--output " + output + " (expected: table or json)");
        }
        String path = what == What.events ? "/api/events" : "/api/" + what + "?window=" + window;
        HttpResponse<String> r = new AdminClient(adminPort).get(path);
        if (r.statusCode() != 200) {
            spec.commandLine().getErr().print("error: " + r.body());
            spec.commandLine().getErr().flush();
            return LoopmeshCli.BAD_INPUT;
        }
        if (output.equals("json") || what == What.events) {
            out.print(r.body());
            out.flush();
            return LoopmeshCli.OK;
        }
        List<EdgeSnapshot> rows = parse(JsonMapper.builder().build().readTree(r.body()).get(what.name()), window);
        out.print(what == What.edges ? Tables.edges(rows) : Tables.workloads(rows));
        out.flush();
        return LoopmeshCli.OK;
    }

    static List<EdgeSnapshot> parse(JsonNode array, int window) {
        List<EdgeSnapshot> out = new ArrayList<>();
        for (JsonNode e : array) {
            Map<String, Long> responses = new HashMap<>();
            e.get("responses").properties().forEach(p -> responses.put(p.getKey(), p.getValue().asLong()));
            Map<String, Long> flags = new HashMap<>();
            e.get("responseFlags").properties().forEach(p -> flags.put(p.getKey(), p.getValue().asLong()));
            JsonNode sr = e.get("successRate");
            out.add(new EdgeSnapshot(e.get("source").asText(), e.get("destination").asText(), e.get("destinationService").asText(),
                    window, e.get("requests").asLong(), e.get("rps").asDouble(), sr == null || sr.isNull() ? Double.NaN : sr.asDouble(),
                    e.get("p50Ms").asDouble(), e.get("p95Ms").asDouble(), e.get("p99Ms").asDouble(), responses, flags,
                    e.get("mtls").asBoolean()));
        }
        return out;
    }
}
