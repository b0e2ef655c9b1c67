package dev.loopmesh.app.shell;

import dev.loopmesh.app.common.MeshHandle;
import dev.loopmesh.app.graph.GraphLayout;
import dev.loopmesh.telemetry.RequestRecord;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * "Send one request": a GET through the ingress, tagged with its own x-request-id, then what every proxy
 * logged for that id (the request's decision trace). Sent and read off the FX thread; answers come back
 * through {@code fx}.
 */
final class Probes {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final Executor engine;
    private final Executor fx;

    Probes(Executor engine, Executor fx) {
        this.engine = engine;
        this.fx = fx;
    }

    /**
     * Sends one GET with the given headers ({@code end-user: jason}, one per line); {@code answer} gets the
     * response at once, then again with its trace when the access logs are read.
     */
    void send(MeshHandle h, String path, String headerLines, Consumer<ProbeResult> answer) {
        String p = path == null || path.isBlank() ? "/" : path.startsWith("/") ? path : "/" + path;
        URI uri = URI.create("http://127.0.0.1:" + h.ingressAddress().getPort() + p);
        String requestId = java.util.UUID.randomUUID().toString();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("user-agent", "loopmesh-app")
                .header("x-request-id", requestId);
        for (String line : (headerLines == null ? "" : headerLines).split("[\\n;]")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.substring(colon + 1).isBlank()) {
                try {
                    b.header(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
                } catch (IllegalArgumentException restricted) {
                    // a header HttpClient will not send (host, connection…): left out
                }
            }
        }
        long t0 = System.nanoTime();
        http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
                .whenComplete((r, e) -> {
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    ProbeResult result = e != null
                            ? new ProbeResult(p, 0, ms, "", String.valueOf(e.getCause() != null ? e.getCause() : e), requestId, List.of())
                            : new ProbeResult(p, r.statusCode(), ms, r.body(), "", requestId, List.of());
                    // the answer shows at once; the decision trace follows when the access logs are read
                    fx.execute(() -> answer.accept(result));
                    engine.execute(() -> {
                        List<RequestRecord> trace = traceOf(h, requestId);
                        fx.execute(() -> answer.accept(result.withTrace(trace)));
                    });
                });
    }

    /** What the gateway and every sidecar logged for one x-request-id, in time order. */
    static List<RequestRecord> traceOf(MeshHandle h, String requestId) {
        List<String> proxies = new java.util.ArrayList<>();
        proxies.add(GraphLayout.INGRESS);
        h.pods().forEach(p -> proxies.add(p.name()));
        List<RequestRecord> out = new java.util.ArrayList<>();
        for (String proxy : proxies) {
            for (RequestRecord r : h.accessLog(proxy, 300)) {
                if (requestId.equals(r.requestId())) {
                    out.add(r);
                }
            }
        }
        out.sort(java.util.Comparator.comparingLong(RequestRecord::startEpochMillis).thenComparing(r -> "source".equals(r.reporter()) ? 0 : 1));
        return out;
    }
}
