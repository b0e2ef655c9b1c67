package dev.loopmesh.cli;

import dev.loopmesh.Mesh;
import dev.loopmesh.admin.AdminApi;
import dev.loopmesh.telemetry.EdgeSnapshot;
import dev.loopmesh.traffic.ClientStats;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON report of a run: per edge and per workload since the start, and the load clients. */
final class Report {
    private Report() {
    }

    static void write(Path file, Mesh mesh, long startMillis) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("mesh", mesh.topology().mesh().name());
        root.put("startMillis", startMillis);
        root.put("edges", edges(mesh.telemetry().edges().totals()));
        root.put("workloads", edges(mesh.telemetry().workloads().totals()));
        List<Map<String, Object>> clients = new ArrayList<>();
        for (ClientStats c : mesh.load().snapshot().clients()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("sent", c.sent());
            m.put("completed", c.completed());
            m.put("dropped", c.dropped());
            m.put("errors", c.errors());
            m.put("statuses", c.statuses());
            clients.add(m);
        }
        root.put("traffic", clients);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    private static List<Map<String, Object>> edges(List<EdgeSnapshot> totals) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> e : AdminApi.edges(totals)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", e.get("source"));
            m.put("destination", e.get("destination"));
            m.put("requests", e.get("requests"));
            m.put("responses", e.get("responses"));
            m.put("responseFlags", e.get("responseFlags"));
            m.put("successRate", e.get("successRate"));
            m.put("latencyMs", Map.of("p50", e.get("p50Ms"), "p95", e.get("p95Ms"), "p99", e.get("p99Ms")));
            out.add(m);
        }
        return out;
    }
}
