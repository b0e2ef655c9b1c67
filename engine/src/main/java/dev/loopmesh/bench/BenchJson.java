package dev.loopmesh.bench;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON of a run: {@code {"machine": "…", "configs": [{"name", "p50Us", "p90Us", "p99Us", "p999Us",
 * "maxRps", "cpuUsPerRequest", …}], …}}. Unknown figures (NaN) are written as null.
 */
final class BenchJson {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private BenchJson() {
    }

    static String write(BenchReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("machine", r.machine().describe());
        ObjectNode m = root.putObject("machineInfo");
        m.put("cores", r.machine().cores());
        m.put("model", r.machine().model());
        m.put("jvm", r.machine().jvm());
        m.put("os", r.machine().os());
        num(m, "loadAverageBefore", r.machine().loadAverage());
        num(m, "loadAverageAfter", r.loadAfter());
        ObjectNode s = root.putObject("settings");
        s.put("rps", r.settings().rps());
        s.put("connections", r.settings().connections());
        s.put("latencyPhaseSeconds", r.settings().latency().toMillis() / 1000.0);
        s.put("saturationPhaseSeconds", r.settings().saturation().toMillis() / 1000.0);
        s.put("warmupSeconds", r.settings().warmup().toMillis() / 1000.0);
        s.put("rounds", r.settings().rounds());
        s.put("responseBytes", r.settings().responseBytes());
        root.put("elapsedSeconds", r.elapsedMillis() / 1000.0);
        ArrayNode configs = root.putArray("configs");
        for (ConfigResult c : r.configs()) {
            ObjectNode o = config(configs.addObject(), c);
            r.added(c.name()).ifPresent(a -> {
                num(o, "addedP50Us", a.p50Us());
                num(o, "addedP90Us", a.p90Us());
                num(o, "addedP99Us", a.p99Us());
                num(o, "addedP999Us", a.p999Us());
            });
            ObjectNode ratios = o.putObject("ratios");
            LatencySummary direct = r.config(ThroughputBench.DIRECT).map(ConfigResult::latency).orElse(LatencySummary.EMPTY);
            num(ratios, "p50ToDirect", Ratios.round3(Ratios.ratio(c.latency().p50Us(), direct.p50Us())));
            num(ratios, "p99ToDirect", Ratios.round3(Ratios.ratio(c.latency().p99Us(), direct.p99Us())));
            num(ratios, "maxRpsToDirect", Ratios.round3(r.throughputRatio(c.name(), ThroughputBench.DIRECT)));
            LatencySummary addedHaproxy = r.added(ThroughputBench.HAPROXY).orElse(LatencySummary.EMPTY);
            LatencySummary added = r.added(c.name()).orElse(LatencySummary.EMPTY);
            num(ratios, "addedP50ToHaproxy", Ratios.round3(Ratios.ratio(added.p50Us(), addedHaproxy.p50Us())));
            num(ratios, "addedP99ToHaproxy", Ratios.round3(Ratios.ratio(added.p99Us(), addedHaproxy.p99Us())));
            num(ratios, "maxRpsToHaproxy", Ratios.round3(r.throughputRatio(c.name(), ThroughputBench.HAPROXY)));
        }
        if (r.clientFloor() != null) {
            config(root.putObject("clientFloor"), r.clientFloor());
        }
        ArrayNode skipped = root.putArray("skipped");
        for (Skipped k : r.skipped()) {
            skipped.addObject().put("name", k.name()).put("reason", k.reason());
        }
        ArrayNode targets = root.putArray("targets");
        for (TargetCheck t : r.targets()) {
            ObjectNode o = targets.addObject();
            o.put("name", t.name());
            o.put("target", t.target());
            num(o, "measured", Ratios.round1(t.measured()));
            num(o, "limit", Ratios.round1(t.limit()));
            o.put("unit", t.unit());
            if (t.met() == null) {
                o.putNull("met");
            } else {
                o.put("met", t.met());
            }
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static ObjectNode config(ObjectNode o, ConfigResult c) {
        o.put("name", c.name());
        o.put("description", c.description());
        o.put("hops", c.hops());
        num(o, "p50Us", Ratios.round1(c.latency().p50Us()));
        num(o, "p90Us", Ratios.round1(c.latency().p90Us()));
        num(o, "p99Us", Ratios.round1(c.latency().p99Us()));
        num(o, "p999Us", Ratios.round1(c.latency().p999Us()));
        num(o, "maxUs", Ratios.round1(c.latency().maxUs()));
        o.put("requests", c.requests());
        o.put("errors", c.errors());
        num(o, "maxRps", Double.isNaN(c.maxRps()) ? Double.NaN : Math.round(c.maxRps()));
        num(o, "cpuUsPerRequest", Ratios.round1(c.cpuUsPerRequest()));
        num(o, "cpuUsPerRequestSaturated", Ratios.round1(c.cpuUsPerRequestSaturated()));
        num(o, "loopCpuUsPerRequest", Ratios.round1(c.loopCpuUsPerRequest()));
        num(o, "processCpuUsPerRequest", Ratios.round1(c.processCpuUsPerRequest()));
        num(o, "gcUsPerRequest", Ratios.round1(c.gcUsPerRequest()));
        num(o, "clientCpuUsPerRequest", Ratios.round1(c.clientCpuUsPerRequest()));
        num(o, "allocatedBytesPerRequest", Math.round(c.allocatedBytesPerRequest()));
        o.put("maxQueued", c.maxQueued());
        return o;
    }

    private static void num(ObjectNode o, String name, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(name);
        } else {
            o.put(name, v);
        }
    }
}
