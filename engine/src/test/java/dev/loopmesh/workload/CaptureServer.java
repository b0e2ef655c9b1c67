package dev.loopmesh.workload;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A plain downstream for tests: records each request's headers and answers a fixed status. */
final class CaptureServer implements AutoCloseable {
    final List<Map<String, List<String>>> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    CaptureServer(int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(Map.copyOf(exchange.getRequestHeaders()));
            byte[] body = "not a call tree".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("x-loopmesh-response-flags", status == 503 ? "UF" : "");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    /** One header of one recorded request (header names come capitalised from the JDK server). */
    String header(int request, String name) {
        List<String> v = requests.get(request).entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null);
        return v == null ? null : v.get(0);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
