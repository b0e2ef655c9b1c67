package dev.loopmesh.app.common.standin;

import dev.loopmesh.topology.TrafficClientSpec;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The topology's load clients that target the ingress, sent at a fixed rate with the JDK client. */
public final class StandInLoad implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "standin-load");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private StandInLoad() {
    }

    public static StandInLoad start(List<TrafficClientSpec> clients, InetSocketAddress ingress, long seed) {
        StandInLoad load = new StandInLoad();
        SplittableRandom random = new SplittableRandom(seed);
        for (TrafficClientSpec c : clients) {
            if (!"ingress".equals(c.target())) {
                continue;
            }
            long periodMicros = Math.max(1, Math.round(1_000_000 / c.ratePerSecond()));
            SplittableRandom r = random.split();
            load.timer.scheduleAtFixedRate(() -> load.send(c, ingress, r), periodMicros, periodMicros, TimeUnit.MICROSECONDS);
        }
        return load;
    }

    private void send(TrafficClientSpec c, InetSocketAddress ingress, SplittableRandom random) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingress.getPort() + pick(c.paths(), random)))
                .method(c.method(), HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30));
        for (Map.Entry<String, List<TrafficClientSpec.Weighted>> h : c.headers().entrySet()) {
            String v = pick(h.getValue(), random);
            if (!v.isEmpty()) {
                b.header(h.getKey(), v);
            }
        }
        client.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding());
    }

    private static String pick(List<TrafficClientSpec.Weighted> values, SplittableRandom random) {
        double total = values.stream().mapToDouble(TrafficClientSpec.Weighted::weight).sum();
        double x = random.nextDouble() * total;
        for (TrafficClientSpec.Weighted w : values) {
            x -= w.weight();
            if (x < 0) {
                return w.value();
            }
        }
        return values.get(values.size() - 1).value();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
