package dev.loopmesh.controlplane.istio;

import dev.loopmesh.policy.routing.StringMatch;
import dev.loopmesh.topology.Durations;
import dev.loopmesh.topology.Position;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.YamlNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Typed reads of a positioned YAML spec that never throw: every misfit becomes a {@link Problem}
 * with the node's position and path, and the read returns null (or an empty value) so binding goes
 * on and reports every problem at once.
 */
final class SpecReader {
    final List<Problem> problems = new ArrayList<>();

    boolean hasErrors() {
        return problems.stream().anyMatch(p -> p.severity() == dev.loopmesh.topology.Severity.ERROR);
    }

    void error(String code, YamlNode node, String message) {
        problems.add(Problem.error(code, node.position(), node.path(), message));
    }

    void error(String code, Position position, String path, String message) {
        problems.add(Problem.error(code, position, path, message));
    }

    void warning(String code, YamlNode node, String message) {
        problems.add(Problem.warning(code, node.position(), node.path(), message));
    }

    /** Reports every key of {@code m} that is not one of {@code allowed}, suggesting the nearest. */
    void keys(YamlNode.Mapping m, String... allowed) {
        List<String> valid = Arrays.asList(allowed);
        for (String key : m.entries().keySet()) {
            if (!valid.contains(key)) {
                String near = Suggestions.nearest(key, valid);
                String hint = near != null ? " (did you mean `" + near + "`?)"
                        : " (expected one of: " + String.join(", ", valid) + ")";
                error(IstioCodes.UNKNOWN_FIELD, m.keyPosition(key), child(m, key), "unknown field `" + key + "`" + hint);
            }
        }
    }

    static String child(YamlNode parent, String key) {
        return parent.path().isEmpty() ? key : parent.path() + "." + key;
    }

    YamlNode node(YamlNode.Mapping m, String key) {
        YamlNode n = m.entries().get(key);
        return n instanceof YamlNode.Scalar && ((YamlNode.Scalar) n).isNull() ? null : n;
    }

    YamlNode.Mapping mapping(YamlNode.Mapping m, String key) {
        YamlNode n = node(m, key);
        if (n == null) {
            return null;
        }
        if (n instanceof YamlNode.Mapping) {
            return (YamlNode.Mapping) n;
        }
        error(IstioCodes.WRONG_TYPE, n, "`" + key + "` is " + n.describe() + " (expected: a map)");
        return null;
    }

    List<YamlNode> list(YamlNode.Mapping m, String key) {
        YamlNode n = node(m, key);
        if (n == null) {
            return List.of();
        }
        if (n instanceof YamlNode.Sequence) {
            return ((YamlNode.Sequence) n).items();
        }
        error(IstioCodes.WRONG_TYPE, n, "`" + key + "` is " + n.describe() + " (expected: a list)");
        return List.of();
    }

    /** The items of a list that are maps; others are reported. */
    List<YamlNode.Mapping> mappings(YamlNode.Mapping m, String key) {
        List<YamlNode.Mapping> out = new ArrayList<>();
        for (YamlNode item : list(m, key)) {
            if (item instanceof YamlNode.Mapping) {
                out.add((YamlNode.Mapping) item);
            } else {
                error(IstioCodes.WRONG_TYPE, item, "an item of `" + key + "` is " + item.describe() + " (expected: a map)");
            }
        }
        return out;
    }

    String string(YamlNode.Mapping m, String key) {
        YamlNode n = node(m, key);
        if (n == null) {
            return null;
        }
        if (n instanceof YamlNode.Scalar) {
            return ((YamlNode.Scalar) n).value();
        }
        error(IstioCodes.WRONG_TYPE, n, "`" + key + "` is " + n.describe() + " (expected: a string)");
        return null;
    }

    String required(YamlNode.Mapping m, String key) {
        String s = string(m, key);
        if (s == null && !m.entries().containsKey(key)) {
            error(IstioCodes.MISSING_FIELD, m, "missing `" + key + "`");
        } else if (s != null && s.isBlank()) {
            error(IstioCodes.INVALID_VALUE, m.entries().get(key), "`" + key + "` is empty");
            return null;
        }
        return s;
    }

    List<String> strings(YamlNode.Mapping m, String key) {
        List<String> out = new ArrayList<>();
        YamlNode n = node(m, key);
        if (n instanceof YamlNode.Scalar) {
            error(IstioCodes.WRONG_TYPE, n, "`" + key + "` is " + n.describe() + " (expected: a list, like [" + ((YamlNode.Scalar) n).value() + "])");
            return out;
        }
        for (YamlNode item : list(m, key)) {
            if (item instanceof YamlNode.Scalar && !((YamlNode.Scalar) item).isNull()) {
                out.add(((YamlNode.Scalar) item).value());
            } else {
                error(IstioCodes.WRONG_TYPE, item, "an item of `" + key + "` is " + item.describe() + " (expected: a string)");
            }
        }
        return out;
    }

    Map<String, String> stringMap(YamlNode.Mapping m, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        YamlNode.Mapping map = mapping(m, key);
        if (map == null) {
            return out;
        }
        for (Map.Entry<String, YamlNode> e : map.entries().entrySet()) {
            if (e.getValue() instanceof YamlNode.Scalar && !((YamlNode.Scalar) e.getValue()).isNull()) {
                out.put(e.getKey(), ((YamlNode.Scalar) e.getValue()).value());
            } else {
                error(IstioCodes.WRONG_TYPE, e.getValue(), "`" + e.getKey() + "` is " + e.getValue().describe() + " (expected: a string)");
            }
        }
        return out;
    }

    Long integer(YamlNode.Mapping m, String key, long min, long max) {
        String s = string(m, key);
        if (s == null) {
            return null;
        }
        YamlNode n = m.entries().get(key);
        try {
            long v = Long.parseLong(s.trim());
            if (v < min || v > max) {
                error(IstioCodes.INVALID_VALUE, n, "`" + key + "`: " + v + " (expected: " + min + ".." + max + ")");
                return null;
            }
            return v;
        } catch (NumberFormatException e) {
            error(IstioCodes.WRONG_TYPE, n, "`" + key + "` is " + n.describe() + " (expected: a whole number)");
            return null;
        }
    }

    int integer(YamlNode.Mapping m, String key, long min, long max, int absent) {
        Long v = integer(m, key, min, max);
        return v == null ? absent : (int) Math.min(Integer.MAX_VALUE, v);
    }

    Double number(YamlNode.Mapping m, String key) {
        String s = string(m, key);
        if (s == null) {
            return null;
        }
        try {
            double v = Double.parseDouble(s.trim());
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            YamlNode n = m.entries().get(key);
            error(IstioCodes.WRONG_TYPE, n, "`" + key + "` is " + n.describe() + " (expected: a number)");
            return null;
        }
    }

    Boolean bool(YamlNode.Mapping m, String key) {
        String s = string(m, key);
        if (s == null) {
            return null;
        }
        if (s.equals("true") || s.equals("false")) {
            return Boolean.valueOf(s);
        }
        YamlNode n = m.entries().get(key);
        error(IstioCodes.WRONG_TYPE, n, "`" + key + "` is " + n.describe() + " (expected: true or false)");
        return null;
    }

    Duration duration(YamlNode.Mapping m, String key) {
        String s = string(m, key);
        if (s == null) {
            return null;
        }
        try {
            return Durations.parse(s);
        } catch (IllegalArgumentException e) {
            error(IstioCodes.BAD_DURATION, m.entries().get(key), "`" + key + "`: " + e.getMessage());
            return null;
        }
    }

    /** One of {@code allowed}, compared exactly as Istio's enums are (upper case). */
    String enumValue(YamlNode.Mapping m, String key, String... allowed) {
        String s = string(m, key);
        if (s == null) {
            return null;
        }
        if (Arrays.asList(allowed).contains(s)) {
            return s;
        }
        String near = Suggestions.nearest(s, Arrays.asList(allowed));
        error(IstioCodes.INVALID_VALUE, m.entries().get(key), "`" + key + "`: `" + s + "` is not valid "
                + (near != null ? "(did you mean `" + near + "`?)" : "(expected one of: " + String.join(", ", allowed) + ")"));
        return null;
    }

    /** Istio's Percent: {@code {value: 0..100}}; null when absent. */
    Double percentage(YamlNode.Mapping m, String key) {
        YamlNode.Mapping p = mapping(m, key);
        if (p == null) {
            return null;
        }
        keys(p, "value");
        Double v = number(p, "value");
        if (v == null) {
            return p.entries().containsKey("value") ? null : 0.0;
        }
        if (v < 0 || v > 100) {
            error(IstioCodes.PERCENT_RANGE, p.entries().get("value"), "percentage " + v + " is out of range (expected: 0..100)");
            return null;
        }
        return v;
    }

    /**
     * Istio's StringMatch: exactly one of exact, prefix, regex. Returns null when absent or invalid.
     * {@code {}} and {@code regex: "*"} are not accepted here; header matchers handle presence first.
     */
    StringMatch stringMatch(YamlNode node, String what, boolean ignoreCase) {
        if (!(node instanceof YamlNode.Mapping)) {
            error(IstioCodes.WRONG_TYPE, node, what + " is " + node.describe() + " (expected: a map with exact, prefix or regex)");
            return null;
        }
        YamlNode.Mapping m = (YamlNode.Mapping) node;
        keys(m, "exact", "prefix", "regex");
        if (m.entries().size() != 1) {
            if (m.entries().isEmpty()) {
                error(IstioCodes.MISSING_FIELD, m, what + " is empty (expected one of exact, prefix, regex)");
            } else if (m.entries().keySet().stream().allMatch(k -> k.equals("exact") || k.equals("prefix") || k.equals("regex"))) {
                error(IstioCodes.CONFLICT, m, what + " has " + String.join(" and ", m.entries().keySet()) + " (expected: exactly one of exact, prefix, regex)");
            }
            return null;
        }
        String kind = m.entries().keySet().iterator().next();
        String value = string(m, kind);
        if (value == null) {
            return null;
        }
        switch (kind) {
            case "exact":
                return new StringMatch(StringMatch.Kind.EXACT, value, ignoreCase, null);
            case "prefix":
                return new StringMatch(StringMatch.Kind.PREFIX, value, ignoreCase, null);
            case "regex": {
                Pattern p = compile(m.entries().get("regex"), value, ignoreCase);
                return p == null ? null : new StringMatch(StringMatch.Kind.REGEX, value, ignoreCase, p);
            }
            default:
                return null;
        }
    }

    Pattern compile(YamlNode at, String regex, boolean ignoreCase) {
        try {
            return Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
        } catch (PatternSyntaxException e) {
            error(IstioCodes.BAD_REGEX, at, "regex `" + regex + "` does not compile: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
            return null;
        }
    }
}
