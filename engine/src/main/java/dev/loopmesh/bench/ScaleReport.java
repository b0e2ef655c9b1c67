package dev.loopmesh.bench;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** The scale bench's results: a table, and JSON. */
record ScaleReport(Machine machine, double loadAfter, List<ScaleResult> results) {
    static final long MEMORY_LIMIT_BYTES = 1024 * 1024;
    static final double CONVERGENCE_P99_LIMIT_MS = 100;

    ScaleReport {
        results = List.copyOf(results);
    }

    static void print(ScaleReport r, PrintStream out) {
        out.println("machine: " + r.machine().describe());
        out.printf(Locale.ROOT, "load average: %.2f before, %.2f after%n", r.machine().loadAverage(), r.loadAfter());
        out.printf(Locale.ROOT, "%6s %-7s %9s %12s %10s %8s %13s %8s %8s %10s %10s%n", "pods", "egress", "start ms", "heap KiB/pod",
                "direct KiB", "threads", "files", "applies", "proxies", "push p50", "push p99");
        for (ScaleResult s : r.results()) {
            String mode = s.scoped() ? "scoped" : "all";
            if (s.error() != null) {
                out.printf(Locale.ROOT, "%6d %-7s %s%n", s.pods(), mode, s.error());
                continue;
            }
            out.printf(Locale.ROOT, "%6d %-7s %9d %12.1f %10.1f %8d %6d/%-6d %8d %8d %8.1fms %8.1fms%n", s.pods(), mode, s.startMillis(),
                    s.heapPerPodBytes() / 1024.0, s.directPerPodBytes() / 1024.0, s.threads(), s.openFiles(),
                    s.fileLimit(), s.applies(), s.pushedProxies(), s.convergenceP50Ms(), s.convergenceP99Ms());
        }
        out.println("egress: scoped = a mesh-wide Sidecar limits every proxy to one service; all = Istio's default, every proxy sees every service");
        out.println("applies: timed applies done within the 60 s budget per size (0: the first, untimed apply already used it up)");
        for (ScaleResult s : r.results()) {
            if (s.error() == null) {
                out.printf(Locale.ROOT, "target: %d pods (%s) heap+direct per idle pod <= 1 MiB: %.1f KiB, %s%n", s.pods(), s.scoped() ? "scoped" : "all",
                        s.memoryPerPodBytes() / 1024.0, s.memoryPerPodBytes() <= MEMORY_LIMIT_BYTES ? "met" : "NOT met");
                if (s.pods() == 1000 && s.applies() > 0) {
                    out.printf(Locale.ROOT, "target: push convergence to 1000 proxies p99 <= 100 ms (%s): %.1f ms, %s%n",
                            s.scoped() ? "scoped" : "all", s.convergenceP99Ms(), s.convergenceP99Ms() <= CONVERGENCE_P99_LIMIT_MS ? "met" : "NOT met");
                }
            }
        }
    }

    static String json(ScaleReport r) {
        JsonMapper json = JsonMapper.builder().build();
        ObjectNode root = json.createObjectNode();
        root.put("machine", r.machine().describe());
        root.put("loadAverageAfter", r.loadAfter());
        ArrayNode a = root.putArray("scale");
        for (ScaleResult s : r.results()) {
            ObjectNode o = a.addObject();
            o.put("pods", s.pods());
            o.put("egress", s.scoped() ? "scoped" : "all");
            if (s.error() != null) {
                o.put("error", s.error());
                continue;
            }
            o.put("startMillis", s.startMillis());
            o.put("heapBytesPerPod", s.heapPerPodBytes());
            o.put("directBytesPerPod", s.directPerPodBytes());
            o.put("rssBytesPerPod", s.rssPerPodBytes());
            o.put("threads", s.threads());
            o.put("openFiles", s.openFiles());
            o.put("fileLimit", s.fileLimit());
            o.put("applies", s.applies());
            o.put("pushedProxies", s.pushedProxies());
            put(o, "convergenceP50Ms", s.convergenceP50Ms());
            put(o, "convergenceP99Ms", s.convergenceP99Ms());
            put(o, "convergenceMaxMs", s.convergenceMaxMs());
        }
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static void put(ObjectNode o, String name, double v) {
        if (Double.isNaN(v)) {
            o.putNull(name);
        } else {
            o.put(name, Ratios.round3(v));
        }
    }
}
