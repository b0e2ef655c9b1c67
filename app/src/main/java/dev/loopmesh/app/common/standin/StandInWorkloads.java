package dev.loopmesh.app.common.standin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.topology.BehaviorSpec;
import dev.loopmesh.topology.CallSpec;
import dev.loopmesh.topology.WorkloadSpec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Emulated services on the JDK's HTTP server, one per pod, until the engine starts its own: each
 * waits its latency, calls downstream through its sidecar's outbound listener (as an HTTP proxy) and
 * answers a small JSON call tree. Threads block; fine for a demo mesh of a few pods.
 */
public final class StandInWorkloads implements AutoCloseable {
    static {
        // the JDK server writes headers and body apart; with Nagle on, the body waits for a delayed ACK (40 ms a hop)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final List<HttpServer> servers = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "standin-workload");
        t.setDaemon(true);
        return t;
    });

    private StandInWorkloads() {
    }

    public static StandInWorkloads start(Registry registry) {
        StandInWorkloads w = new StandInWorkloads();
        try {
            for (PodInfo pod : registry.pods()) {
                WorkloadSpec spec = registry.mesh().workloads().stream().filter(s -> s.name().equals(pod.workload()))
                        .findFirst().orElseThrow();
                w.serve(pod, spec.behavior());
            }
            return w;
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
    }

    private void serve(PodInfo pod, BehaviorSpec behavior) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(threads)
                .proxy(ProxySelector.of(new InetSocketAddress(pod.address(), pod.outboundPort())))
                .connectTimeout(Duration.ofSeconds(2)).build();
        SplittableRandom seeds = new SplittableRandom(pod.name().hashCode());
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(pod.appHost(), pod.appPort()), 128);
            server.setExecutor(threads);
            server.createContext("/", ex -> handle(ex, pod, behavior, client, seeds));
            server.start();
            servers.add(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve " + pod.name() + " on " + pod.appHost() + ":" + pod.appPort(), e);
        }
    }

    private void handle(HttpExchange ex, PodInfo pod, BehaviorSpec behavior, HttpClient client, SplittableRandom seeds) {
        try (ex) {
            SplittableRandom random;
            synchronized (seeds) {
                random = seeds.split();
            }
            sleepNanos(behavior.latency().sampleNanos(random));
            StringBuilder calls = new StringBuilder();
            boolean callFailed = false;
            for (CallSpec c : behavior.calls()) {
                int status = call(client, c, pod, ex);
                callFailed |= status == 0 || status >= 500;
                calls.append(calls.length() == 0 ? "" : ",").append("{\"service\":\"").append(c.service())
                        .append("\",\"path\":\"").append(c.path()).append("\",\"status\":").append(status).append('}');
            }
            int status = random.nextDouble() < behavior.errorRate() ? behavior.errorStatus()
                    : callFailed && behavior.failOnCallError() ? behavior.callErrorStatus() : 200;
            byte[] body = ("{\"service\":\"" + pod.service() + "\",\"version\":\"" + pod.version() + "\",\"pod\":\"" + pod.name()
                    + "\",\"status\":" + status + ",\"calls\":[" + calls + "]}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("content-type", "application/json");
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException e) {
            // the caller went away; nothing to answer
        }
    }

    private static int call(HttpClient client, CallSpec c, PodInfo pod, HttpExchange incoming) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + c.service() + ":" + pod.servicePort() + c.path()))
                .method(c.method(), HttpRequest.BodyPublishers.noBody());
        if (c.timeout() != null) {
            b.timeout(c.timeout());
        }
        for (String h : c.propagate()) {
            String v = incoming.getRequestHeaders().getFirst(h);
            if (v != null) {
                b.header(h, v);
            }
        }
        String requestId = incoming.getRequestHeaders().getFirst("x-request-id");
        if (requestId != null) {
            b.header("x-request-id", requestId);
        }
        c.headers().forEach(b::header);
        int status = 0;
        for (int attempt = 0; attempt < c.attempts() && (status == 0 || status >= 500); attempt++) {
            try {
                status = client.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
        return status;
    }

    private static void sleepNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        servers.forEach(s -> s.stop(0));
        threads.shutdownNow();
    }
}
