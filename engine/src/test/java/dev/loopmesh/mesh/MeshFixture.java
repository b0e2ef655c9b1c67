package dev.loopmesh.mesh;

import dev.loopmesh.Mesh;
import dev.loopmesh.MeshOptions;
import dev.loopmesh.controlplane.ApplyResult;
import dev.loopmesh.topology.TopologyLoader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A whole mesh started from YAML on loopback, with helpers to send requests through its ingress. */
final class MeshFixture implements AutoCloseable {
    static final JsonMapper JSON = JsonMapper.builder().build();

    final Mesh mesh;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private MeshFixture(Mesh mesh) {
        this.mesh = mesh;
    }

    static MeshFixture start(String yaml) {
        return start(yaml, MeshOptions.forTests());
    }

    static MeshFixture start(String yaml, MeshOptions options) {
        return new MeshFixture(Mesh.start(new TopologyLoader().loadString("test.yaml", yaml), options));
    }

    /** The built-in Bookinfo with {@code resources} (YAML) added. */
    static MeshFixture bookinfo(String resources) {
        return start(resources.isBlank() ? bookinfoYaml() : bookinfoYaml() + "\n---\n" + resources);
    }

    static String bookinfoYaml() {
        try (var in = MeshFixture.class.getResourceAsStream("/dev/loopmesh/topologies/bookinfo.yaml")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    ApplyResult apply(String yaml) {
        return mesh.apply(mesh.parseResources(yaml));
    }

    HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mesh.ingressAddress().getPort() + path))
                .timeout(Duration.ofSeconds(60));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The call tree of a request through the ingress. */
    JsonNode tree(String path, String... headers) {
        HttpResponse<String> r = get(path, headers);
        return JSON.readTree(r.body());
    }

    /** The first call node (depth first) to {@code service}, or null. */
    static JsonNode call(JsonNode tree, String service) {
        if (tree.has("calls")) {
            for (JsonNode c : tree.get("calls")) {
                if (c.path("service").asText().equals(service)) {
                    return c;
                }
                JsonNode deeper = call(c, service);
                if (deeper != null) {
                    return deeper;
                }
            }
        }
        return null;
    }

    /** Every {@code service-version} the call tree visited, depth first. */
    static List<String> visited(JsonNode tree) {
        List<String> out = new ArrayList<>();
        walk(tree, out);
        return out;
    }

    private static void walk(JsonNode n, List<String> out) {
        if (n.has("service") && n.has("version") && !n.get("version").asText().isEmpty()) {
            out.add(n.get("service").asText() + "-" + n.get("version").asText());
        }
        if (n.has("calls")) {
            for (JsonNode c : n.get("calls")) {
                walk(c, out);
            }
        }
    }

    /** The version of {@code service} the call tree reached, or "" when it did not. */
    static String versionOf(JsonNode tree, String service) {
        for (String v : visited(tree)) {
            if (v.startsWith(service + "-")) {
                return v.substring(service.length() + 1);
            }
        }
        return "";
    }

    /** Waits until the mesh's Prometheus text has a line matching each pattern. */
    void awaitMetrics(String... patterns) {
        org.awaitility.Awaitility.await().untilAsserted(() -> {
            String scrape = mesh.telemetry().metrics().scrape();
            for (String p : patterns) {
                org.assertj.core.api.Assertions.assertThat(scrape).containsPattern(p);
            }
        });
    }

    /** Waits for the access-log line of {@code proxy} that {@code matches}, and returns it (the last such). */
    dev.loopmesh.telemetry.RequestRecord awaitAccessLog(String proxy, java.util.function.Predicate<dev.loopmesh.telemetry.RequestRecord> matches) {
        java.util.concurrent.atomic.AtomicReference<dev.loopmesh.telemetry.RequestRecord> found = new java.util.concurrent.atomic.AtomicReference<>();
        org.awaitility.Awaitility.await().untilAsserted(() -> {
            List<dev.loopmesh.telemetry.RequestRecord> log = mesh.telemetry().accessLog().last(proxy, 1000);
            for (dev.loopmesh.telemetry.RequestRecord r : log) {
                if (matches.test(r)) {
                    found.set(r);
                }
            }
            org.assertj.core.api.Assertions.assertThat(found.get()).as("access log of %s: %s", proxy, log).isNotNull();
        });
        return found.get();
    }

    @Override
    public void close() {
        mesh.close();
    }
}
