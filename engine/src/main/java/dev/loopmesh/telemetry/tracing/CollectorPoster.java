package dev.loopmesh.telemetry.tracing;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static java.util.Objects.requireNonNull;

/**
 * Posts exported spans to a collector (Zipkin {@code /api/v2/spans}, an OTLP/HTTP {@code /v1/traces}) on
 * this machine. Loopmesh never sends traces off the laptop: a URL whose host is not loopback is refused
 * when the poster is made, and names other than {@code localhost} are not resolved.
 */
public final class CollectorPoster {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI url;
    private final HttpClient client;

    private CollectorPoster(URI url) {
        this.url = url;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
                .proxy(HttpClient.Builder.NO_PROXY).build();
    }

    /**
     * @param url e.g. {@code http://127.0.0.1:9411/api/v2/spans} or {@code http://localhost:4318/v1/traces}
     * @throws IllegalArgumentException when the URL is not http(s) or its host is not loopback
     */
    public static CollectorPoster to(String url) {
        requireNonNull(url, "url");
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("collector url: " + url + " (expected: http://127.0.0.1:PORT/PATH)", e);
        }
        if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme())) {
            throw new IllegalArgumentException("collector url: " + url + " (expected: an http:// or https:// URL)");
        }
        if (!isLoopback(u.getHost())) {
            throw new IllegalArgumentException("collector url: " + url + " (expected: a loopback host — 127.0.0.0/8, [::1] "
                    + "or localhost; Loopmesh does not send traces off this machine)");
        }
        return new CollectorPoster(u);
    }

    static boolean isLoopback(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean literal = h.indexOf(':') >= 0 || h.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        if (!literal) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public URI url() {
        return url;
    }

    /** Posts a JSON body; completes with the collector's HTTP status, or exceptionally when it cannot be reached. */
    public CompletableFuture<Integer> post(String json) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
    }
}
