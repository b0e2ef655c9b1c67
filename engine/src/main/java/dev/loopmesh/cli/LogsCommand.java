package dev.loopmesh.cli;

import dev.loopmesh.telemetry.AccessLogFormat;
import dev.loopmesh.topology.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code loopmesh logs POD [-f]}: a proxy's access log from a running mesh, like {@code kubectl logs
 * POD -c istio-proxy}. Following polls the admin API with the sequence number of the last line seen.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Print a proxy's access log (Istio's default format) from a running mesh.",
                "POD is a pod name like reviews-v2-0, or istio-ingressgateway."})
public class LogsCommand implements Callable<Integer> {
    static final JsonMapper JSON = JsonMapper.builder().build();
    /** As many as a proxy keeps: a follower that falls this far behind asks again at once. */
    static final int PAGE = 1000;

    @Parameters(paramLabel = "POD", description = "The proxy: a pod name, or istio-ingressgateway.")
    String proxy;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until Ctrl-C.")
    boolean follow;

    @Option(names = "--limit", defaultValue = "100", paramLabel = "N", description = "How many of the last lines to print first (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text (Istio's TEXT format) or json (one Istio JSON object a line) (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--admin-port", defaultValue = "15000", description = "The running mesh's admin port (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--poll", defaultValue = "500ms", paramLabel = "DURATION", description = "With -f: how often to ask for new lines (default: ${DEFAULT-VALUE}).")
    String poll;

    /** Tests stop a follower with this; people stop it with Ctrl-C. */
    @Option(names = "--follow-for", hidden = true, paramLabel = "DURATION")
    String followFor;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (!output.equals("text") && !output.equals("json")) {
            throw new IllegalArgumentException("--output " + output + " (expected: text or json)");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("--limit " + limit + " (expected: >= 1)");
        }
        Duration every = Durations.parse(poll);
        long stopAt = followFor == null ? Long.MAX_VALUE : System.nanoTime() + Durations.parse(followFor).toNanos();
        PrintWriter out = spec.commandLine().getOut();
        AdminClient admin = new AdminClient(adminPort);
        List<Map<String, Object>> page = fetch(admin, -1, limit);
        if (page == null) {
            return LoopmeshCli.BAD_INPUT;
        }
        long cursor = print(out, page, 0);
        while (follow && System.nanoTime() < stopAt) {
            if (page.size() < PAGE) {
                Thread.sleep(Math.max(10, every.toMillis()));
            }
            page = fetch(admin, cursor, PAGE);
            if (page == null) {
                return LoopmeshCli.BAD_INPUT;
            }
            cursor = print(out, page, cursor);
        }
        return LoopmeshCli.OK;
    }

    /** The records after {@code after} (or the last {@code n} when negative); null after printing the API's error. */
    private List<Map<String, Object>> fetch(AdminClient admin, long after, int n) {
        String q = "/api/accesslog?proxy=" + URLEncoder.encode(proxy, StandardCharsets.UTF_8) + "&format=json&limit=" + n
                + (after >= 0 ? "&after=" + after : "");
        HttpResponse<String> r = admin.get(q);
        if (r.statusCode() != 200) {
            PrintWriter err = spec.commandLine().getErr();
            err.print("error: " + r.body());
            err.flush();
            return null;
        }
        return records(r.body());
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> records(String json) {
        return JSON.readValue(json, List.class);
    }

    private long print(PrintWriter out, List<Map<String, Object>> page, long cursor) {
        for (Map<String, Object> m : page) {
            out.println(output.equals("json") ? JSON.writeValueAsString(m) : AccessLogFormat.text(m));
            Object seq = m.get("sequence");
            if (seq instanceof Number) {
                cursor = Math.max(cursor, ((Number) seq).longValue());
            }
        }
        out.flush();
        return cursor;
    }
}
