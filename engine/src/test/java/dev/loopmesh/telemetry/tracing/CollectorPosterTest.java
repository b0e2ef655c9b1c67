package dev.loopmesh.telemetry.tracing;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CollectorPosterTest {
    @Test
    void refusesCollectorsOffThisMachine() {
        assertThatThrownBy(() -> CollectorPoster.to("http://zipkin.example.com:9411/api/v2/spans"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: a loopback host");
        assertThatThrownBy(() -> CollectorPoster.to("http://10.0.0.5:4318/v1/traces")).hasMessageContaining("loopback");
        assertThatThrownBy(() -> CollectorPoster.to("ftp://127.0.0.1/x")).hasMessageContaining("http://");
        assertThat(CollectorPoster.to("http://127.0.0.1:9411/api/v2/spans").url().getPort()).isEqualTo(9411);
        assertThat(CollectorPoster.to("http://localhost:4318/v1/traces")).isNotNull();
        assertThat(CollectorPoster.to("http://[::1]:4318/v1/traces")).isNotNull();
        assertThat(CollectorPoster.to("http://127.0.3.4:4318/v1/traces")).isNotNull();
    }

    @Test
    void postsJsonToALoopbackCollector() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicReference<String> body = new AtomicReference<>();
        AtomicReference<String> type = new AtomicReference<>();
        server.createContext("/api/v2/spans", ex -> {
            body.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            type.set(ex.getRequestHeaders().getFirst("Content-Type"));
            ex.sendResponseHeaders(202, -1);
            ex.close();
        });
        server.start();
        try {
            CollectorPoster poster = CollectorPoster.to("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v2/spans");
            int status = poster.post("[]").get(30, TimeUnit.SECONDS);
            assertThat(status).isEqualTo(202);
            assertThat(body.get()).isEqualTo("[]");
            assertThat(type.get()).isEqualTo("application/json");
        } finally {
            server.stop(0);
        }
    }
}
