package dev.loopmesh.chaos;

import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Position;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.SpecFields;
import dev.loopmesh.topology.Severity;
import dev.loopmesh.topology.Suggestions;
import dev.loopmesh.topology.TopologyException;
import dev.loopmesh.topology.YamlNode;
import dev.loopmesh.topology.YamlReader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Binds {@code Chaos} documents (from the topology, scheduled from the mesh's start) and
 * {@code POST /api/chaos} bodies (scheduled from the request) to {@link ChaosSpec}s. One fault per spec:
 * <pre>
 * apiVersion: loopmesh.dev/v1
 * kind: Chaos
 * metadata: {name: slow-ratings}      # the id; a POST body may leave it out
 * spec:
 *   start: 10s                        # optional: after how long (default: at once)
 *   duration: 30s                     # optional: how long (default: until removed)
 *   # exactly one of:
 *   kill: {pod: ratings-v1-0}         # or kill: ratings-v1-0
 *   restart: {pod: ratings-v1-0, downtime: 2s}
 *   pause: {pod: ratings-v1-0}
 *   refuse: {pod: ratings-v1-0}
 *   latency: {from: reviews-v2, to: ratings, latency: 2s, jitter: 100ms, direction: response}
 *   bandwidth: {from: productpage, to: details, bytesPerSecond: 1024, direction: response}
 *   reset: {from: reviews, to: ratings, probability: 0.3}
 *   stall: {from: reviews, to: ratings, timeout: 5s, direction: response}
 *   slice: {from: reviews, to: ratings, averageSize: 64, sizeVariation: 16, delay: 10ms, direction: response}
 *   partition: {between: [reviews, ratings]}
 * </pre>
 * A link side ({@code from}, {@code to}, {@code between}) is a pod, workload or service name, or {@code *};
 * {@code direction} is {@code request} (Toxiproxy's upstream), {@code response} (downstream, the default)
 * or {@code both}. A body may be the whole document or only its spec, in YAML or JSON.
 */
public final class ChaosBinder {
    private static final SpecFields.Codes FIELD_CODES = new SpecFields.Codes(ChaosCodes.UNKNOWN_FIELD, ChaosCodes.WRONG_TYPE,
            ChaosCodes.MISSING_FIELD, ChaosCodes.INVALID_VALUE, ChaosCodes.BAD_DURATION);
    public static final String GROUP = "loopmesh.dev";
    public static final String API_VERSION = "loopmesh.dev/v1";
    public static final String KIND = "Chaos";
    static final List<String> FAULTS = List.of("kill", "restart", "pause", "refuse", "latency", "bandwidth", "reset",
            "stall", "slice", "partition");

    /** The specs bound without errors, and every problem found. */
    public record Result(List<ChaosSpec> specs, List<Problem> problems) {
        public Result {
            specs = List.copyOf(specs);
            problems = List.copyOf(problems);
        }

        public boolean hasErrors() {
            return problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
        }
    }

    private ChaosBinder() {
    }

    public static boolean isChaos(MeshResource r) {
        return r.group().equals(GROUP) && r.kind().equals(KIND);
    }

    /** Binds every Chaos document among {@code resources}; a name used twice is an error. */
    public static Result bind(List<MeshResource> resources, ChaosNames names) {
        SpecFields f = new SpecFields(FIELD_CODES);
        List<ChaosSpec> specs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (MeshResource r : resources) {
            if (!isChaos(r)) {
                continue;
            }
            if (!seen.add(r.name())) {
                f.error(ChaosCodes.DUPLICATE, r.position(), "metadata.name", "a second Chaos named `" + r.name() + "`");
                continue;
            }
            int before = f.problems.size();
            ChaosSpec s = spec(r.name(), r.spec(), f, names);
            if (s != null && noErrorsSince(f, before)) {
                specs.add(s);
            }
        }
        return new Result(specs, sorted(f.problems));
    }

    /**
     * Binds a {@code POST /api/chaos} body: a Chaos document ({@code kind: Chaos}) or a bare spec, YAML or JSON.
     */
    public static Result parse(String body, ChaosNames names) {
        List<YamlNode> docs;
        try {
            docs = new YamlReader().readString("request", body);
        } catch (TopologyException e) {
            return new Result(List.of(), e.problems());
        }
        SpecFields f = new SpecFields(FIELD_CODES);
        Position top = new Position("request", 1, 1);
        if (docs.size() != 1) {
            f.error(ChaosCodes.BAD_DOCUMENT, top, "", "the body has " + docs.size()
                    + " documents (expected: one Chaos document or spec)");
            return new Result(List.of(), f.problems);
        }
        if (!(docs.get(0) instanceof YamlNode.Mapping)) {
            f.error(ChaosCodes.BAD_DOCUMENT, docs.get(0), "the body is " + docs.get(0).describe()
                    + " (expected: a Chaos document or spec, as a map)");
            return new Result(List.of(), f.problems);
        }
        YamlNode.Mapping root = (YamlNode.Mapping) docs.get(0);
        String id = "";
        YamlNode.Mapping spec = root;
        if (root.entries().containsKey("kind") || root.entries().containsKey("apiVersion")) {
            f.keys(root, "apiVersion", "kind", "metadata", "spec");
            String apiVersion = f.requiredString(root, "apiVersion", "a Chaos document");
            String kind = f.requiredString(root, "kind", "a Chaos document");
            if (apiVersion != null && !apiVersion.equals(API_VERSION)) {
                f.error(ChaosCodes.BAD_DOCUMENT, root.entries().get("apiVersion"), "apiVersion `" + apiVersion
                        + "` (expected: " + API_VERSION + ")");
            }
            if (kind != null && !kind.equals(KIND)) {
                f.error(ChaosCodes.BAD_DOCUMENT, root.entries().get("kind"), "kind `" + kind + "` (expected: Chaos)");
            }
            YamlNode.Mapping md = f.mapping(root, "metadata");
            if (md != null) {
                String name = f.string(md, "name");
                id = name == null ? "" : name;
            }
            spec = f.requiredMapping(root, "spec", "a Chaos document");
            if (spec == null || f.hasErrors()) {
                return new Result(List.of(), f.problems);
            }
        }
        ChaosSpec s = spec(id, spec, f, names);
        return new Result(s == null || f.hasErrors() ? List.of() : List.of(s), sorted(f.problems));
    }

    private static boolean noErrorsSince(SpecFields f, int before) {
        return f.problems.subList(before, f.problems.size()).stream().noneMatch(p -> p.severity() == Severity.ERROR);
    }

    private static List<Problem> sorted(List<Problem> problems) {
        List<Problem> out = new ArrayList<>(problems);
        out.sort(Comparator.comparing((Problem p) -> p.position().file()).thenComparingInt(p -> p.position().line())
                .thenComparingInt(p -> p.position().column()));
        return out;
    }

    static ChaosSpec spec(String id, YamlNode.Mapping spec, SpecFields f, ChaosNames names) {
        List<String> allowed = new ArrayList<>(List.of("start", "duration"));
        allowed.addAll(FAULTS);
        f.keys(spec, allowed.toArray(String[]::new));
        int before = f.problems.size();
        Duration start = f.duration(spec, "start");
        Duration duration = f.duration(spec, "duration");
        if (duration != null && duration.isZero()) {
            f.error(ChaosCodes.INVALID_VALUE, spec.entries().get("duration"), "`duration` is 0s (expected: > 0, or leave it out to last until removed)");
        }
        List<String> present = new ArrayList<>();
        for (String k : FAULTS) {
            if (spec.entries().containsKey(k)) {
                present.add(k);
            }
        }
        if (present.isEmpty()) {
            if (spec.entries().keySet().stream().noneMatch(k -> !allowed.contains(k)
                    && Suggestions.nearest(k, FAULTS).isPresent())) {
                f.error(ChaosCodes.FAULT_COUNT, spec, "no fault in the spec (expected one of: " + String.join(", ", FAULTS) + ")");
            }
            return null;
        }
        if (present.size() > 1) {
            f.error(ChaosCodes.FAULT_COUNT, spec.keyPosition(present.get(1)), SpecFields.child(spec, present.get(1)),
                    "more than one fault in one spec ("
                    + String.join(", ", present) + "): write one Chaos per fault");
            return null;
        }
        String kind = present.get(0);
        ChaosFault fault = fault(kind, spec, f, names);
        if (fault instanceof ChaosFault.RestartPod && duration != null) {
            f.warning(ChaosCodes.INVALID_VALUE, spec.entries().get("duration"),
                    "`duration` has no effect on a restart (use restart.downtime for how long the pod stays down)");
        }
        if (fault == null || !noErrorsSince(f, before)) {
            return null;
        }
        return new ChaosSpec(id, start, duration, fault);
    }

    private static ChaosFault fault(String kind, YamlNode.Mapping spec, SpecFields f, ChaosNames names) {
        YamlNode n = SpecFields.node(spec, kind);
        if (n == null) {
            f.error(ChaosCodes.MISSING_FIELD, spec.keyPosition(kind), SpecFields.child(spec, kind), "`" + kind + "` is empty");
            return null;
        }
        boolean podFault = kind.equals("kill") || kind.equals("restart") || kind.equals("pause") || kind.equals("refuse");
        if (podFault && n instanceof YamlNode.Scalar) {
            // kill: ratings-v1-0
            String pod = ((YamlNode.Scalar) n).value();
            return checkPod(pod, n, f, names) ? podFault(kind, pod, null) : null;
        }
        YamlNode.Mapping m = f.mapping(spec, kind);
        if (m == null) {
            return null;
        }
        switch (kind) {
            case "kill":
            case "pause":
            case "refuse": {
                f.keys(m, "pod");
                String pod = requiredPod(m, kind, f, names);
                return pod == null ? null : podFault(kind, pod, null);
            }
            case "restart": {
                f.keys(m, "pod", "downtime");
                String pod = requiredPod(m, kind, f, names);
                Duration downtime = f.duration(m, "downtime");
                return pod == null ? null : podFault(kind, pod, downtime);
            }
            case "partition":
                return partition(m, f, names);
            default:
                return link(kind, m, f, names);
        }
    }

    private static ChaosFault podFault(String kind, String pod, Duration downtime) {
        switch (kind) {
            case "kill":
                return new ChaosFault.KillPod(pod);
            case "restart":
                return new ChaosFault.RestartPod(pod, downtime);
            case "pause":
                return new ChaosFault.PausePod(pod);
            default:
                return new ChaosFault.RefuseConnections(pod);
        }
    }

    private static String requiredPod(YamlNode.Mapping m, String kind, SpecFields f, ChaosNames names) {
        String pod = f.requiredString(m, "pod", kind);
        return pod != null && checkPod(pod, m.entries().get("pod"), f, names) ? pod : null;
    }

    private static boolean checkPod(String pod, YamlNode at, SpecFields f, ChaosNames names) {
        if (names.isPod(pod)) {
            return true;
        }
        f.error(ChaosCodes.UNKNOWN_TARGET, at, "no pod `" + pod + "` in the mesh" + Suggestions.didYouMean(pod, names.pods()));
        return false;
    }

    private static boolean checkPeer(String name, YamlNode at, SpecFields f, ChaosNames names) {
        if (names.isPeer(name)) {
            return true;
        }
        Set<String> all = new LinkedHashSet<>(names.services());
        all.addAll(names.workloads());
        all.addAll(names.pods());
        f.error(ChaosCodes.UNKNOWN_TARGET, at, "no pod, workload or service `" + name + "` in the mesh"
                + Suggestions.didYouMean(name, all));
        return false;
    }

    private static String peer(YamlNode.Mapping m, String key, String owner, SpecFields f, ChaosNames names) {
        String s = f.requiredString(m, key, owner);
        return s != null && checkPeer(s, m.entries().get(key), f, names) ? s : null;
    }

    private static Direction direction(YamlNode.Mapping m, SpecFields f) {
        String s = f.string(m, "direction");
        if (s == null) {
            return null;
        }
        return Direction.parse(s).orElseGet(() -> {
            List<String> words = List.of("request", "response", "both", "upstream", "downstream");
            f.error(ChaosCodes.INVALID_VALUE, m.entries().get("direction"), "direction `" + s
                    + "` (expected one of: request, response, both)" + Suggestions.didYouMean(s, words));
            return null;
        });
    }

    private static ChaosFault link(String kind, YamlNode.Mapping m, SpecFields f, ChaosNames names) {
        int before = f.problems.size();
        String from;
        String to;
        switch (kind) {
            case "latency": {
                f.keys(m, "from", "to", "latency", "jitter", "direction");
                from = peer(m, "from", kind, f, names);
                to = peer(m, "to", kind, f, names);
                Duration latency = f.duration(m, "latency");
                if (latency == null && SpecFields.node(m, "latency") == null) {
                    f.missing(m, "latency", kind);
                }
                Duration jitter = f.duration(m, "jitter");
                Direction d = direction(m, f);
                return ok(f, before) ? new ChaosFault.LinkLatency(from, to, latency, jitter, d) : null;
            }
            case "bandwidth": {
                f.keys(m, "from", "to", "bytesPerSecond", "direction");
                from = peer(m, "from", kind, f, names);
                to = peer(m, "to", kind, f, names);
                Long bps = f.integer(m, "bytesPerSecond", 1, Long.MAX_VALUE);
                if (bps == null && SpecFields.node(m, "bytesPerSecond") == null) {
                    f.missing(m, "bytesPerSecond", kind);
                }
                Direction d = direction(m, f);
                return ok(f, before) ? new ChaosFault.LinkBandwidth(from, to, bps, d) : null;
            }
            case "reset": {
                f.keys(m, "from", "to", "probability");
                from = peer(m, "from", kind, f, names);
                to = peer(m, "to", kind, f, names);
                Double p = f.number(m, "probability", 0, 1);
                return ok(f, before) ? new ChaosFault.LinkReset(from, to, p == null ? 1.0 : p) : null;
            }
            case "stall": {
                f.keys(m, "from", "to", "timeout", "direction");
                from = peer(m, "from", kind, f, names);
                to = peer(m, "to", kind, f, names);
                Duration timeout = f.duration(m, "timeout");
                Direction d = direction(m, f);
                return ok(f, before) ? new ChaosFault.LinkStall(from, to, timeout, d) : null;
            }
            default: {
                f.keys(m, "from", "to", "averageSize", "sizeVariation", "delay", "direction");
                from = peer(m, "from", kind, f, names);
                to = peer(m, "to", kind, f, names);
                Long avg = f.integer(m, "averageSize", 1, Integer.MAX_VALUE);
                if (avg == null && SpecFields.node(m, "averageSize") == null) {
                    f.missing(m, "averageSize", kind);
                }
                Long variation = f.integer(m, "sizeVariation", 0, Integer.MAX_VALUE);
                if (avg != null && variation != null && variation >= avg) {
                    f.error(ChaosCodes.INVALID_VALUE, m.entries().get("sizeVariation"), "`sizeVariation` " + variation
                            + " is not below averageSize " + avg);
                }
                Duration delay = f.duration(m, "delay");
                Direction d = direction(m, f);
                return ok(f, before) ? new ChaosFault.LinkSlicer(from, to, avg.intValue(),
                        variation == null ? 0 : variation.intValue(), delay, d) : null;
            }
        }
    }

    private static boolean ok(SpecFields f, int before) {
        return noErrorsSince(f, before);
    }

    private static ChaosFault partition(YamlNode.Mapping m, SpecFields f, ChaosNames names) {
        f.keys(m, "between");
        YamlNode between = SpecFields.node(m, "between");
        if (between == null) {
            f.missing(m, "between", "partition (like between: [reviews, ratings])");
            return null;
        }
        int before = f.problems.size();
        List<String> sides = f.strings(m, "between");
        if (!ok(f, before)) {
            return null;
        }
        if (sides.size() != 2 || sides.get(0).equals(sides.get(1))) {
            f.error(ChaosCodes.INVALID_VALUE, between, "`between` names " + sides.size() + " side(s) "
                    + sides + " (expected: two different services, workloads or pods)");
            return null;
        }
        List<YamlNode> items = ((YamlNode.Sequence) between).items();
        boolean known = checkPeer(sides.get(0), items.get(0), f, names) & checkPeer(sides.get(1), items.get(1), f, names);
        return known ? new ChaosFault.Partition(sides.get(0), sides.get(1)) : null;
    }
}
