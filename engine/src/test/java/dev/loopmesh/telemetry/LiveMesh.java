package dev.loopmesh.telemetry;

import dev.loopmesh.Mesh;
import dev.loopmesh.MeshOptions;
import dev.loopmesh.controlplane.ApplyResult;
import dev.loopmesh.topology.TopologyLoader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A whole mesh on loopback from a YAML string, for the telemetry, admin and CLI tests; closes everything. */
public final class LiveMesh implements AutoCloseable {
    public final Mesh mesh;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private LiveMesh(Mesh mesh) {
        this.mesh = mesh;
    }

    /** Any free ports, no load from the topology. */
    public static LiveMesh start(String yaml) {
        return new LiveMesh(Mesh.start(new TopologyLoader().loadString("test.yaml", yaml), MeshOptions.forTests()));
    }

    public static LiveMesh start(String yaml, MeshOptions options) {
        return new LiveMesh(Mesh.start(new TopologyLoader().loadString("test.yaml", yaml), options));
    }

    /** The built-in Bookinfo, plus {@code resources} (Istio YAML) when not blank. */
    public static LiveMesh bookinfo(String resources) {
        return start(resources.isBlank() ? bookinfoYaml() : bookinfoYaml() + "\n---\n" + resources);
    }

    public static String bookinfoYaml() {
        try (InputStream in = LiveMesh.class.getResourceAsStream("/dev/loopmesh/topologies/bookinfo.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int adminPort() {
        return mesh.admin().orElseThrow().address().getPort();
    }

    public ApplyResult apply(String yaml) {
        return mesh.apply(mesh.parseResources(yaml));
    }

    /** A GET through the ingress gateway; {@code headers} are name, value pairs ("host" sets the authority). */
    public HttpResponse<String> get(String path, String... headers) {
        return send("http://127.0.0.1:" + mesh.ingressAddress().getPort() + path, headers);
    }

    /** A GET through the ingress that the caller does not wait for. */
    public java.util.concurrent.CompletableFuture<HttpResponse<String>> getAsync(String path) {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mesh.ingressAddress().getPort() + path))
                .timeout(Duration.ofSeconds(30)).build();
        return http.sendAsync(r, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A GET through the ingress with a chosen Host (the JDK client will not set one); returns the status line.
     */
    public String getWithHost(String host, String path) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", mesh.ingressAddress().getPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return all.lines().findFirst().orElse("");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A GET on the admin API. */
    public HttpResponse<String> admin(String pathAndQuery) {
        return send("http://127.0.0.1:" + adminPort() + pathAndQuery);
    }

    private HttpResponse<String> send(String uri, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        mesh.close();
    }
}
