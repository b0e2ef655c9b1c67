package dev.loopmesh.topology;


import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of a positioned spec that never throw: a misfit becomes a {@link Problem} with the node's
 * position and path, and the read returns null, so one pass reports every problem of a resource. Each
 * feature reports with its own problem codes.
 */
public final class SpecFields {
    /** The problem codes a feature reports misfits with. */
    public record Codes(String unknownField, String wrongType, String missingField, String invalidValue, String badDuration) {
    }

    public final List<Problem> problems = new ArrayList<>();
    private final Codes codes;

    public SpecFields(Codes codes) {
        this.codes = codes;
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
    }

    public void error(String code, YamlNode node, String message) {
        problems.add(Problem.error(code, node.position(), node.path(), message));
    }

    public void error(String code, Position position, String path, String message) {
        problems.add(Problem.error(code, position, path, message));
    }

    public void warning(String code, YamlNode node, String message) {
        problems.add(Problem.warning(code, node.position(), node.path(), message));
    }

    public static String child(YamlNode parent, String key) {
        return YamlReader.childPath(parent.path(), key);
    }

    /** Reports each key not in {@code allowed}, suggesting the nearest one. */
    public void keys(YamlNode.Mapping m, String... allowed) {
        List<String> valid = Arrays.asList(allowed);
        for (String key : m.entries().keySet()) {
            if (!valid.contains(key)) {
                String hint = Suggestions.nearest(key, valid).map(s -> " — did you mean `" + s + "`?")
                        .orElse(" (expected one of: " + String.join(", ", valid) + ")");
                error(codes.unknownField(), m.keyPosition(key), child(m, key), "unknown field `" + key + "`" + hint);
            }
        }
    }

    public static YamlNode node(YamlNode.Mapping m, String key) {
        YamlNode n = m.entries().get(key);
        return n instanceof YamlNode.Scalar && ((YamlNode.Scalar) n).isNull() ? null : n;
    }

    private void wrongType(YamlNode n, String key, String expected) {
        error(codes.wrongType(), n, "`" + key + "` is " + n.describe() + " (expected: " + expected + ")");
    }

    public YamlNode.Mapping mapping(YamlNode.Mapping m, String key) {
        YamlNode n = node(m, key);
        if (n == null) {
            return null;
        }
        if (n instanceof YamlNode.Mapping) {
            return (YamlNode.Mapping) n;
        }
        wrongType(n, key, "a map");
        return null;
    }

    public YamlNode.Mapping requiredMapping(YamlNode.Mapping m, String key, String owner) {
        YamlNode.Mapping out = mapping(m, key);
        if (out == null && node(m, key) == null) {
            missing(m, key, owner);
        }
        return out;
    }

    public void missing(YamlNode.Mapping m, String key, String owner) {
        // a key written with a typo was already reported with a suggestion
        for (String written : m.entries().keySet()) {
            if (!written.equals(key) && Suggestions.nearest(written, List.of(key)).isPresent()) {
                return;
            }
        }
        error(codes.missingField(), m, "missing `" + key + "` in " + owner);
    }

    public List<YamlNode> list(YamlNode.Mapping m, String key) {
        YamlNode n = node(m, key);
        if (n == null) {
            return List.of();
        }
        if (n instanceof YamlNode.Sequence) {
            return ((YamlNode.Sequence) n).items();
        }
        wrongType(n, key, "a list");
        return List.of();
    }

    public String string(YamlNode.Mapping m, String key) {
        YamlNode n = node(m, key);
        if (n == null) {
            return null;
        }
        if (n instanceof YamlNode.Scalar) {
            return ((YamlNode.Scalar) n).value();
        }
        wrongType(n, key, "a string");
        return null;
    }

    public String requiredString(YamlNode.Mapping m, String key, String owner) {
        String s = string(m, key);
        if (s == null && node(m, key) == null) {
            missing(m, key, owner);
        } else if (s != null && s.isBlank()) {
            error(codes.invalidValue(), m.entries().get(key), "`" + key + "` is empty");
            return null;
        }
        return s;
    }

    public Long integer(YamlNode.Mapping m, String key, long min, long max) {
        YamlNode n = node(m, key);
        if (n == null) {
            return null;
        }
        String expected = "an integer " + (max == Long.MAX_VALUE ? ">= " + min : min + ".." + max);
        if (!(n instanceof YamlNode.Scalar) || !((YamlNode.Scalar) n).value().trim().matches("[-+]?\\d{1,18}")) {
            wrongType(n, key, expected);
            return null;
        }
        long v = Long.parseLong(((YamlNode.Scalar) n).value().trim());
        if (v < min || v > max) {
            error(codes.invalidValue(), n, "`" + key + "`: " + v + " is out of range (expected: " + expected + ")");
            return null;
        }
        return v;
    }

    public Double number(YamlNode.Mapping m, String key, double min, double max) {
        YamlNode n = node(m, key);
        if (n == null) {
            return null;
        }
        String expected = "a number " + min + ".." + max;
        double v;
        try {
            if (!(n instanceof YamlNode.Scalar)) {
                throw new NumberFormatException();
            }
            v = Double.parseDouble(((YamlNode.Scalar) n).value().trim());
        } catch (NumberFormatException e) {
            wrongType(n, key, expected);
            return null;
        }
        if (!(v >= min && v <= max)) {
            error(codes.invalidValue(), n, "`" + key + "`: " + ((YamlNode.Scalar) n).value().trim()
                    + " is out of range (expected: " + expected + ")");
            return null;
        }
        return v;
    }

    public Duration duration(YamlNode.Mapping m, String key) {
        YamlNode n = node(m, key);
        if (n == null) {
            return null;
        }
        if (!(n instanceof YamlNode.Scalar)) {
            wrongType(n, key, "a duration, like 1s or 250ms");
            return null;
        }
        try {
            return Durations.parse(((YamlNode.Scalar) n).value());
        } catch (IllegalArgumentException e) {
            error(codes.badDuration(), n, "`" + key + "`: " + e.getMessage());
            return null;
        }
    }

    public Map<String, String> stringMap(YamlNode.Mapping m, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        YamlNode.Mapping map = mapping(m, key);
        if (map == null) {
            return out;
        }
        map.entries().forEach((k, v) -> {
            if (v instanceof YamlNode.Scalar && !((YamlNode.Scalar) v).isNull()) {
                out.put(k, ((YamlNode.Scalar) v).value());
            } else {
                error(codes.wrongType(), v, "`" + k + "` is " + v.describe() + " (expected: a string)");
            }
        });
        return out;
    }

    public List<String> strings(YamlNode.Mapping m, String key) {
        List<String> out = new ArrayList<>();
        for (YamlNode item : list(m, key)) {
            if (item instanceof YamlNode.Scalar && !((YamlNode.Scalar) item).isNull()) {
                out.add(((YamlNode.Scalar) item).value());
            } else {
                error(codes.wrongType(), item, "an item of `" + key + "` is " + item.describe() + " (expected: a string)");
            }
        }
        return out;
    }
}
