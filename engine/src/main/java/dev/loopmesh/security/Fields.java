package dev.loopmesh.security;

import dev.loopmesh.topology.Position;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Severity;
import dev.loopmesh.topology.Suggestions;
import dev.loopmesh.topology.YamlNode;
import dev.loopmesh.topology.YamlReader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of a positioned spec that never throw: a misfit becomes a {@link Problem} with the node's
 * position and YAML path, and the read returns null, so one pass reports every problem of a resource.
 */
final class Fields {
    final List<Problem> problems = new ArrayList<>();

    boolean hasErrors() {
        return problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
    }

    boolean errorsSince(int mark) {
        return problems.subList(mark, problems.size()).stream().anyMatch(p -> p.severity() == Severity.ERROR);
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

    void warning(String code, Position position, String path, String message) {
        problems.add(Problem.warning(code, position, path, message));
    }

    static String child(YamlNode parent, String key) {
        return YamlReader.childPath(parent.path(), key);
    }

    /** Reports each key not in {@code allowed}, suggesting the nearest one. */
    void keys(YamlNode.Mapping m, String... allowed) {
        List<String> valid = Arrays.asList(allowed);
        for (String key : m.entries().keySet()) {
            if (!valid.contains(key)) {
                String hint = Suggestions.nearest(key, valid).map(s -> " — did you mean `" + s + "`?")
                        .orElse(" (expected one of: " + String.join(", ", valid) + ")");
                error(SecurityCodes.UNKNOWN_FIELD, m.keyPosition(key), child(m, key), "unknown field `" + key + "`" + hint);
            }
        }
    }

    static YamlNode node(YamlNode.Mapping m, String key) {
        YamlNode n = m.entries().get(key);
        return n instanceof YamlNode.Scalar && ((YamlNode.Scalar) n).isNull() ? null : n;
    }

    private void wrongType(YamlNode n, String key, String expected) {
        error(SecurityCodes.WRONG_TYPE, n, "`" + key + "` is " + n.describe() + " (expected: " + expected + ")");
    }

    YamlNode.Mapping mapping(YamlNode.Mapping m, String key) {
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

    void missing(YamlNode.Mapping m, String key, String owner) {
        for (String written : m.entries().keySet()) {
            if (!written.equals(key) && Suggestions.nearest(written, List.of(key)).isPresent()) {
                return; // the typo was reported with a suggestion
            }
        }
        error(SecurityCodes.MISSING_FIELD, m, "missing `" + key + "` in " + owner);
    }

    List<YamlNode> list(YamlNode.Mapping m, String key) {
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

    List<YamlNode.Mapping> mappings(YamlNode.Mapping m, String key) {
        List<YamlNode.Mapping> out = new ArrayList<>();
        for (YamlNode item : list(m, key)) {
            if (item instanceof YamlNode.Mapping) {
                out.add((YamlNode.Mapping) item);
            } else {
                error(SecurityCodes.WRONG_TYPE, item, "an item of `" + key + "` is " + item.describe() + " (expected: a map)");
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
        wrongType(n, key, "a string");
        return null;
    }

    String requiredString(YamlNode.Mapping m, String key, String owner) {
        String s = string(m, key);
        if (s == null && node(m, key) == null) {
            missing(m, key, owner);
        } else if (s != null && s.isBlank()) {
            error(SecurityCodes.INVALID_VALUE, m.entries().get(key), "`" + key + "` is empty");
            return null;
        }
        return s;
    }

    Long integer(YamlNode.Mapping m, String key, long min, long max) {
        YamlNode n = node(m, key);
        if (n == null) {
            return null;
        }
        String expected = "an integer " + min + ".." + max;
        if (!(n instanceof YamlNode.Scalar) || !((YamlNode.Scalar) n).value().trim().matches("[-+]?\\d{1,18}")) {
            wrongType(n, key, expected);
            return null;
        }
        long v = Long.parseLong(((YamlNode.Scalar) n).value().trim());
        if (v < min || v > max) {
            error(SecurityCodes.INVALID_VALUE, n, "`" + key + "`: " + v + " is out of range (expected: " + expected + ")");
            return null;
        }
        return v;
    }

    Boolean bool(YamlNode.Mapping m, String key) {
        String s = string(m, key);
        if (s == null) {
            return null;
        }
        if (s.equals("true") || s.equals("false")) {
            return Boolean.valueOf(s);
        }
        wrongType(m.entries().get(key), key, "true or false");
        return null;
    }

    /** One of {@code allowed} exactly (Istio's enums are upper case), suggesting the nearest. */
    String enumValue(YamlNode.Mapping m, String key, String... allowed) {
        String s = string(m, key);
        if (s == null) {
            return null;
        }
        if (Arrays.asList(allowed).contains(s)) {
            return s;
        }
        String hint = Suggestions.nearest(s, Arrays.asList(allowed)).map(n -> " — did you mean `" + n + "`?")
                .orElse(" (expected one of: " + String.join(", ", allowed) + ")");
        error(SecurityCodes.INVALID_VALUE, m.entries().get(key), "`" + key + "`: `" + s + "` is not valid" + hint);
        return null;
    }

    Map<String, String> stringMap(YamlNode.Mapping m, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        YamlNode.Mapping map = mapping(m, key);
        if (map == null) {
            return out;
        }
        map.entries().forEach((k, v) -> {
            if (v instanceof YamlNode.Scalar && !((YamlNode.Scalar) v).isNull()) {
                out.put(k, ((YamlNode.Scalar) v).value());
            } else {
                error(SecurityCodes.WRONG_TYPE, v, "`" + k + "` is " + v.describe() + " (expected: a string)");
            }
        });
        return out;
    }

    List<String> strings(YamlNode.Mapping m, String key) {
        List<String> out = new ArrayList<>();
        YamlNode n = node(m, key);
        if (n instanceof YamlNode.Scalar) {
            wrongType(n, key, "a list, like [" + ((YamlNode.Scalar) n).value() + "]");
            return out;
        }
        for (YamlNode item : list(m, key)) {
            if (item instanceof YamlNode.Scalar && !((YamlNode.Scalar) item).isNull()) {
                out.add(((YamlNode.Scalar) item).value());
            } else {
                error(SecurityCodes.WRONG_TYPE, item, "an item of `" + key + "` is " + item.describe() + " (expected: a string)");
            }
        }
        return out;
    }
}
