package dev.loopmesh.topology;


import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one positioned reader of resource specs (Istio networking and security, Linkerd, chaos, rate
 * limits): typed reads that never throw. A misfit becomes a {@link Problem} with the node's position and
 * path, and the read returns null (or an empty value), so one pass reports every problem of a resource.
 * Each feature reports with its own problem codes; the Istio networking binder keeps the phrasing its
 * LM03xx messages were first written with ({@link Dialect#ISTIO}).
 */
public final class SpecFields {
    /** The problem codes a feature reports misfits with. */
    public record Codes(String unknownField, String wrongType, String missingField, String invalidValue, String badDuration) {
    }

    /** How suggestions and number misfits read. */
    public enum Dialect {
        /** "unknown field `x` — did you mean `y`?"; "`port`: 0 is out of range (expected: an integer 1..65535)" */
        LOOPMESH,
        /**
         * "unknown field `x` (did you mean `y`?)" with a looser suggestion; numbers and durations are read as
         * strings first; "`port`: 0 (expected: 1..65535)"
         */
        ISTIO
    }

    public final List<Problem> problems = new ArrayList<>();
    private final Codes codes;
    private final Dialect dialect;

    public SpecFields(Codes codes) {
        this(codes, Dialect.LOOPMESH);
    }

    public SpecFields(Codes codes, Dialect dialect) {
        this.codes = codes;
        this.dialect = dialect;
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
    }

    /** Whether an error was reported since {@code mark} (a size of {@link #problems} taken earlier). */
    public boolean errorsSince(int mark) {
        return problems.subList(mark, problems.size()).stream().anyMatch(p -> p.severity() == Severity.ERROR);
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

    public void warning(String code, Position position, String path, String message) {
        problems.add(Problem.warning(code, position, path, message));
    }

    public static String child(YamlNode parent, String key) {
        return YamlReader.childPath(parent.path(), key);
    }

    /** The nearest of {@code candidates} to {@code typed} as this dialect suggests it, if any. */
    public Optional<String> nearest(String typed, List<String> candidates) {
        return dialect == Dialect.ISTIO ? Optional.ofNullable(Suggestions.nearestLoose(typed, candidates))
                : Suggestions.nearest(typed, candidates);
    }

    /** " — did you mean `y`?" (or " (did you mean `y`?)"), else " (expected one of: …)". */
    private String hint(String typed, List<String> candidates) {
        Optional<String> near = nearest(typed, candidates);
        if (near.isPresent()) {
            return dialect == Dialect.ISTIO ? " (did you mean `" + near.get() + "`?)" : " — did you mean `" + near.get() + "`?";
        }
        return " (expected one of: " + String.join(", ", candidates) + ")";
    }

    /** Reports each key not in {@code allowed}, suggesting the nearest one. */
    public void keys(YamlNode.Mapping m, String... allowed) {
        List<String> valid = Arrays.asList(allowed);
        for (String key : m.entries().keySet()) {
            if (!valid.contains(key)) {
                error(codes.unknownField(), m.keyPosition(key), child(m, key), "unknown field `" + key + "`" + hint(key, valid));
            }
        }
    }

    /** The value at {@code key}, or null when absent or written as null. */
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

    /** "missing `key` in owner", unless a misspelling of {@code key} was already reported with a suggestion. */
    public void missing(YamlNode.Mapping m, String key, String owner) {
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

    /** The items of a list that are maps; others are reported. */
    public List<YamlNode.Mapping> mappings(YamlNode.Mapping m, String key) {
        List<YamlNode.Mapping> out = new ArrayList<>();
        for (YamlNode item : list(m, key)) {
            if (item instanceof YamlNode.Mapping) {
                out.add((YamlNode.Mapping) item);
            } else {
                error(codes.wrongType(), item, "an item of `" + key + "` is " + item.describe() + " (expected: a map)");
            }
        }
        return out;
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

    /** A string that must be written: "missing `key` in owner", or "`key` is empty". */
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

    /** A string that must be written: "missing `key`" (a key written as null is left to the caller), or "`key` is empty". */
    public String required(YamlNode.Mapping m, String key) {
        String s = string(m, key);
        if (s == null && !m.entries().containsKey(key)) {
            error(codes.missingField(), m, "missing `" + key + "`");
        } else if (s != null && s.isBlank()) {
            error(codes.invalidValue(), m.entries().get(key), "`" + key + "` is empty");
            return null;
        }
        return s;
    }

    public Long integer(YamlNode.Mapping m, String key, long min, long max) {
        if (dialect == Dialect.ISTIO) {
            return istioInteger(m, key, min, max);
        }
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

    private Long istioInteger(YamlNode.Mapping m, String key, long min, long max) {
        String s = string(m, key);
        if (s == null) {
            return null;
        }
        YamlNode n = m.entries().get(key);
        try {
            long v = Long.parseLong(s.trim());
            if (v < min || v > max) {
                error(codes.invalidValue(), n, "`" + key + "`: " + v + " (expected: " + min + ".." + max + ")");
                return null;
            }
            return v;
        } catch (NumberFormatException e) {
            wrongType(n, key, "a whole number");
            return null;
        }
    }

    /** An integer, or {@code absent} when it is not written (or is wrong, which is reported). */
    public int integer(YamlNode.Mapping m, String key, long min, long max, int absent) {
        Long v = integer(m, key, min, max);
        return v == null ? absent : (int) Math.min(Integer.MAX_VALUE, v);
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

    /** A finite number, any value. */
    public Double number(YamlNode.Mapping m, String key) {
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
            wrongType(m.entries().get(key), key, "a number");
            return null;
        }
    }

    public Boolean bool(YamlNode.Mapping m, String key) {
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

    public Duration duration(YamlNode.Mapping m, String key) {
        YamlNode n = node(m, key);
        if (n == null) {
            return null;
        }
        if (!(n instanceof YamlNode.Scalar)) {
            wrongType(n, key, dialect == Dialect.ISTIO ? "a string" : "a duration, like 1s or 250ms");
            return null;
        }
        try {
            return Durations.parse(((YamlNode.Scalar) n).value());
        } catch (IllegalArgumentException e) {
            error(codes.badDuration(), n, "`" + key + "`: " + e.getMessage());
            return null;
        }
    }

    /** One of {@code allowed} exactly (Istio's enums are upper case), suggesting the nearest. */
    public String enumValue(YamlNode.Mapping m, String key, String... allowed) {
        String s = string(m, key);
        if (s == null) {
            return null;
        }
        List<String> valid = Arrays.asList(allowed);
        if (valid.contains(s)) {
            return s;
        }
        error(codes.invalidValue(), m.entries().get(key), "`" + key + "`: `" + s + "` is not valid" + hint(s, valid));
        return null;
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
        YamlNode n = node(m, key);
        if (n instanceof YamlNode.Scalar) {
            wrongType(n, key, "a list, like [" + ((YamlNode.Scalar) n).value() + "]");
            return out;
        }
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
