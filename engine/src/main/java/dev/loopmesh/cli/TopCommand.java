package dev.loopmesh.cli;

import dev.loopmesh.topology.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code loopmesh top}: the busiest paths of a running mesh, live, like {@code linkerd viz top}. Every
 * refresh reads what each proxy's access log got since the last one (a sequence cursor per proxy), so
 * nothing is counted twice; the first frame starts from what the logs already hold.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = {"Show the busiest paths of a running mesh, refreshed every second, until Ctrl-C.",
                "Requests are counted from the access logs of every proxy, once each, from the caller's side."})
public class TopCommand implements Callable<Integer> {
    private static final String CLEAR = "\033[H\033[2J";

    @Option(names = "--admin-port", defaultValue = "15000", description = "The running mesh's admin port (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--once", description = "Print one frame and exit (for scripts and tests).")
    boolean once;

    @Option(names = "--interval", defaultValue = "1s", paramLabel = "DURATION", description = "Refresh period (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--rows", defaultValue = "20", paramLabel = "N", description = "How many rows to show (default: ${DEFAULT-VALUE}).")
    int rows;

    @Spec
    CommandSpec spec;

    private final Map<String, Long> cursors = new HashMap<>();
    private final TopTable table = new TopTable();

    @Override
    public Integer call() throws InterruptedException {
        long every = Math.max(100, Durations.parse(interval).toMillis());
        AdminClient admin = new AdminClient(adminPort);
        PrintWriter out = spec.commandLine().getOut();
        boolean tty = !once && System.console() != null;
        String since = LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT));
        while (true) {
            HttpResponse<String> r = admin.get("/api/proxies");
            if (r.statusCode() != 200) {
                spec.commandLine().getErr().print("error: " + r.body());
                spec.commandLine().getErr().flush();
                return LoopmeshCli.BAD_INPUT;
            }
            List<String> proxies = LogsCommand.JSON.readValue(r.body(), List.class);
            for (String p : proxies) {
                poll(admin, p);
            }
            String frame = String.format(Locale.ROOT, "loopmesh top: %d requests through %d proxies since %s (127.0.0.1:%d)%s%n%n",
                    table.requests(), proxies.size(), since, adminPort, once ? "" : ", Ctrl-C to quit") + table.render(rows);
            out.print(tty ? CLEAR + frame : frame);
            if (once) {
                out.flush();
                return LoopmeshCli.OK;
            }
            if (!tty) {
                out.println();
            }
            out.flush();
            Thread.sleep(every);
        }
    }

    private void poll(AdminClient admin, String proxy) {
        while (true) {
            long after = cursors.getOrDefault(proxy, -1L);
            HttpResponse<String> r = admin.get("/api/accesslog?proxy=" + URLEncoder.encode(proxy, StandardCharsets.UTF_8)
                    + "&format=json&limit=" + LogsCommand.PAGE + (after >= 0 ? "&after=" + after : ""));
            if (r.statusCode() != 200) {
                return; // a proxy that went away since the list: skip it
            }
            List<Map<String, Object>> page = LogsCommand.records(r.body());
            long cursor = Math.max(after, 0);
            for (Map<String, Object> m : page) {
                table.add(m);
                if (m.get("sequence") instanceof Number) {
                    cursor = Math.max(cursor, ((Number) m.get("sequence")).longValue());
                }
            }
            cursors.put(proxy, cursor);
            if (page.size() < LogsCommand.PAGE || after < 0) {
                return;
            }
        }
    }
}
