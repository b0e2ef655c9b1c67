package dev.loopmesh.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Binds the weighted parts of a traffic client: its paths and its header mixes. */
final class TrafficBinder {
    private static final String PATHS_EXPECTED = "a list of paths like [/a, /b], or [{path: /a, weight: 3}, {path: /b, weight: 1}]";
    private static final String HEADER_EXPECTED = "a value, or values with weights like [jason: 0.2, \"\": 0.8]";

    private TrafficBinder() {
    }

    /** {@code path: /x}, {@code paths: [/a, /b]} or {@code paths: [{path: /a, weight: 3}]}; default {@code /}. */
    static List<TrafficClientSpec.Weighted> paths(Fields fields, YamlNode.Mapping client) {
        Optional<YamlNode> single = Fields.value(client, "path");
        Optional<YamlNode> many = Fields.value(client, "paths");
        if (single.isPresent() && many.isPresent()) {
            fields.error(ProblemCodes.BAD_CHOICE, client.keyPosition("paths"), YamlReader.childPath(client.path(), "paths"),
                    "both `path` and `paths` are set (expected: one of them)");
            return List.of();
        }
        if (single.isPresent()) {
            return fields.text(single.get(), "a path like /productpage").filter(p -> startsWithSlash(fields, single.get(), p))
                    .map(p -> List.of(new TrafficClientSpec.Weighted(p, 1))).orElse(List.of());
        }
        if (many.isEmpty()) {
            return List.of(new TrafficClientSpec.Weighted("/", 1));
        }
        if (!(many.get() instanceof YamlNode.Sequence seq)) {
            fields.wrongType(many.get(), PATHS_EXPECTED);
            return List.of();
        }
        if (seq.items().isEmpty()) {
            fields.error(ProblemCodes.MISSING_KEY, seq, "paths: the list is empty (expected: at least one path)");
            return List.of();
        }
        List<TrafficClientSpec.Weighted> out = new ArrayList<>();
        boolean ok = true;
        for (YamlNode item : seq.items()) {
            Optional<TrafficClientSpec.Weighted> path = item instanceof YamlNode.Mapping m ? weightedPath(fields, m)
                    : fields.text(item, PATHS_EXPECTED).filter(p -> startsWithSlash(fields, item, p))
                            .map(p -> new TrafficClientSpec.Weighted(p, 1));
            ok &= path.isPresent();
            path.ifPresent(out::add);
        }
        if (ok && !sumsAboveZero(fields, seq, out)) {
            return List.of();
        }
        return ok ? out : List.of();
    }

    private static Optional<TrafficClientSpec.Weighted> weightedPath(Fields fields, YamlNode.Mapping m) {
        fields.onlyKeys(m, List.of("path", "weight"));
        Optional<YamlNode> pathNode = fields.required(m, "path", "a weighted path", "a path like /productpage");
        Optional<String> path = pathNode.flatMap(n -> fields.text(n, "a path like /productpage").filter(p -> startsWithSlash(fields, n, p)));
        Optional<Double> weight = Fields.value(m, "weight").isPresent()
                ? Fields.value(m, "weight").flatMap(n -> weight(fields, n)) : Optional.of(1.0);
        return path.isPresent() && weight.isPresent()
                ? Optional.of(new TrafficClientSpec.Weighted(path.get(), weight.get())) : Optional.empty();
    }

    private static boolean startsWithSlash(Fields fields, YamlNode node, String path) {
        if (path.startsWith("/")) {
            return true;
        }
        fields.error(ProblemCodes.OUT_OF_RANGE, node, Fields.name(node) + ": " + Fields.got(node)
                + " does not start with / (expected: a path like /" + Fields.abbreviate(path) + ")");
        return false;
    }

    static Optional<Double> weight(Fields fields, YamlNode node) {
        return fields.text(node, "a weight >= 0, like 3, 0.2 or 20%").flatMap(t -> {
            try {
                return Optional.of(Quantities.weight(t));
            } catch (IllegalArgumentException e) {
                fields.error(ProblemCodes.BAD_WEIGHT, node, "weight: " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    private static boolean sumsAboveZero(Fields fields, YamlNode node, List<TrafficClientSpec.Weighted> values) {
        if (values.stream().mapToDouble(TrafficClientSpec.Weighted::weight).sum() > 0) {
            return true;
        }
        fields.error(ProblemCodes.BAD_WEIGHT, node, Fields.name(node) + ": every weight is 0 (expected: at least one weight > 0)");
        return false;
    }

    /** Per header: {@code jason}, {@code [jason: 0.2, "": 0.8]} or {@code {jason: 0.2, "": 0.8}}. */
    static Map<String, List<TrafficClientSpec.Weighted>> headers(Fields fields, YamlNode.Mapping client) {
        Map<String, List<TrafficClientSpec.Weighted>> out = new LinkedHashMap<>();
        Optional<YamlNode.Mapping> headers = fields.mapping(client, "headers", "a map of header name to " + HEADER_EXPECTED);
        if (headers.isEmpty()) {
            return out;
        }
        headers.get().entries().forEach((name, node) -> {
            List<TrafficClientSpec.Weighted> values = new ArrayList<>();
            boolean ok = true;
            if (node instanceof YamlNode.Scalar s) {
                values.add(new TrafficClientSpec.Weighted(s.isNull() ? "" : s.value(), 1));
            } else if (node instanceof YamlNode.Mapping m) {
                ok = entries(fields, m, values) && sumsAboveZero(fields, node, values);
            } else {
                for (YamlNode item : ((YamlNode.Sequence) node).items()) {
                    if (item instanceof YamlNode.Mapping m && m.entries().size() == 1) {
                        ok &= entries(fields, m, values);
                    } else if (item instanceof YamlNode.Scalar s && !s.isNull()) {
                        values.add(new TrafficClientSpec.Weighted(s.value(), 1));
                    } else {
                        fields.wrongType(item, "a value, or one `value: weight` pair like jason: 0.2");
                        ok = false;
                    }
                }
                ok &= values.isEmpty() ? emptyList(fields, node) : sumsAboveZero(fields, node, values);
            }
            if (ok) {
                out.put(name, values);
            }
        });
        return out;
    }

    private static boolean emptyList(Fields fields, YamlNode node) {
        fields.error(ProblemCodes.MISSING_KEY, node, Fields.name(node) + ": the list is empty (expected: " + HEADER_EXPECTED + ")");
        return false;
    }

    private static boolean entries(Fields fields, YamlNode.Mapping m, List<TrafficClientSpec.Weighted> values) {
        boolean ok = true;
        for (Map.Entry<String, YamlNode> e : m.entries().entrySet()) {
            Optional<Double> w = weight(fields, e.getValue());
            ok &= w.isPresent();
            w.ifPresent(v -> values.add(new TrafficClientSpec.Weighted(e.getKey(), v)));
        }
        return ok;
    }
}
