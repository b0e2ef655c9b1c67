package dev.loopmesh.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Typed, checked access to {@link YamlNode}s: every getter reports a wrong, missing or unknown value as
 * a {@link Problem} with the node's position and path, and returns empty instead of throwing, so one
 * pass finds every problem of a document.
 */
final class Fields {
    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d{1,18}");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    private final List<Problem> problems;
    private final String missingCode;
    private final String wrongTypeCode;
    private final String unknownKeyCode;

    Fields(List<Problem> problems, String missingCode, String wrongTypeCode, String unknownKeyCode) {
        this.problems = problems;
        this.missingCode = missingCode;
        this.wrongTypeCode = wrongTypeCode;
        this.unknownKeyCode = unknownKeyCode;
    }

    static Fields forMesh(List<Problem> problems) {
        return new Fields(problems, ProblemCodes.MISSING_KEY, ProblemCodes.WRONG_TYPE, ProblemCodes.UNKNOWN_KEY);
    }

    static Fields forResources(List<Problem> problems) {
        return new Fields(problems, ProblemCodes.RESOURCE_MISSING_KEY, ProblemCodes.RESOURCE_WRONG_TYPE,
                ProblemCodes.RESOURCE_UNKNOWN_KEY);
    }

    List<Problem> problems() {
        return problems;
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

    /** The last segment of a node's path, for messages: {@code replicas}, {@code calls[1]}. */
    static String name(YamlNode node) {
        String path = node.path();
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    static String got(YamlNode node) {
        if (node instanceof YamlNode.Scalar s) {
            return s.isNull() ? "null" : "`" + abbreviate(s.value()) + "`";
        }
        return node.describe();
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    void wrongType(YamlNode node, String expected) {
        error(wrongTypeCode, node, name(node) + ": got " + got(node) + " (expected: " + expected + ")");
    }

    // --- structure ---

    Optional<YamlNode.Mapping> asMapping(YamlNode node, String expected) {
        if (node instanceof YamlNode.Mapping m) {
            return Optional.of(m);
        }
        wrongType(node, expected);
        return Optional.empty();
    }

    /** Reports every key not in {@code allowed}, suggesting the nearest allowed key. */
    void onlyKeys(YamlNode.Mapping mapping, Collection<String> allowed) {
        for (String key : mapping.entries().keySet()) {
            if (!allowed.contains(key)) {
                unknownKey(mapping, key, allowed);
            }
        }
    }

    void unknownKey(YamlNode.Mapping mapping, String key, Collection<String> allowed) {
        error(unknownKeyCode, mapping.keyPosition(key), YamlReader.childPath(mapping.path(), key),
                "unknown key `" + abbreviate(key) + "` (expected one of: " + String.join(", ", allowed) + ")"
                        + Suggestions.didYouMean(key, allowed));
    }

    /** The value at {@code key}, absent when the key is missing or null. */
    static Optional<YamlNode> value(YamlNode.Mapping mapping, String key) {
        YamlNode node = mapping.entries().get(key);
        if (node == null || node instanceof YamlNode.Scalar s && s.isNull()) {
            return Optional.empty();
        }
        return Optional.of(node);
    }

    Optional<YamlNode> required(YamlNode.Mapping mapping, String key, String owner, String expected) {
        Optional<YamlNode> node = value(mapping, key);
        if (node.isEmpty() && !misspelled(mapping, key)) {
            boolean present = mapping.entries().containsKey(key);
            error(missingCode, present ? mapping.keyPosition(key) : mapping.position(),
                    present ? YamlReader.childPath(mapping.path(), key) : mapping.path(),
                    (present ? "`" + key + "` is empty in " : "missing required key `" + key + "` in ") + owner
                            + " (expected: " + expected + ")");
        }
        return node;
    }

    /** A missing key written with a typo was already reported as an unknown key with a suggestion. */
    private static boolean misspelled(YamlNode.Mapping mapping, String key) {
        for (String written : mapping.entries().keySet()) {
            if (!written.equals(key) && Suggestions.nearest(written, List.of(key)).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** A list at {@code key}; empty when absent, null, or not a list (reported). */
    List<YamlNode> list(YamlNode.Mapping mapping, String key, String expected) {
        Optional<YamlNode> node = value(mapping, key);
        if (node.isEmpty()) {
            return List.of();
        }
        if (node.get() instanceof YamlNode.Sequence s) {
            return s.items();
        }
        wrongType(node.get(), expected);
        return List.of();
    }

    Optional<YamlNode.Mapping> mapping(YamlNode.Mapping mapping, String key, String expected) {
        return value(mapping, key).flatMap(n -> asMapping(n, expected));
    }

    // --- scalars ---

    Optional<String> text(YamlNode node, String expected) {
        if (node instanceof YamlNode.Scalar s && !s.isNull()) {
            return Optional.of(s.value());
        }
        wrongType(node, expected);
        return Optional.empty();
    }

    Optional<String> string(YamlNode.Mapping mapping, String key, String expected) {
        return value(mapping, key).flatMap(n -> text(n, expected));
    }

    Optional<String> requiredString(YamlNode.Mapping mapping, String key, String owner, String expected) {
        return required(mapping, key, owner, expected).flatMap(n -> text(n, expected));
    }

    Optional<Integer> integer(YamlNode node, long min, long max) {
        String expected = "an integer " + range(min, max);
        Optional<String> text = text(node, expected);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String t = text.get().trim();
        if (!INTEGER.matcher(t).matches()) {
            error(wrongTypeCode, node, name(node) + ": " + got(node) + " is not an integer (expected: " + expected + ")");
            return Optional.empty();
        }
        long v = Long.parseLong(t);
        if (v < min || v > max) {
            error(ProblemCodes.OUT_OF_RANGE, node, name(node) + ": " + v + " is out of range (expected: " + range(min, max) + ")");
            return Optional.empty();
        }
        return Optional.of((int) v);
    }

    Optional<Integer> integer(YamlNode.Mapping mapping, String key, long min, long max) {
        return value(mapping, key).flatMap(n -> integer(n, min, max));
    }

    static String range(long min, long max) {
        if (max >= Integer.MAX_VALUE) {
            return ">= " + min;
        }
        return min + ".." + max;
    }

    Optional<Boolean> bool(YamlNode.Mapping mapping, String key) {
        Optional<YamlNode> node = value(mapping, key);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> text = text(node.get(), "true or false");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        switch (text.get()) {
            case "true", "True", "TRUE":
                return Optional.of(true);
            case "false", "False", "FALSE":
                return Optional.of(false);
            default:
                error(wrongTypeCode, node.get(), key + ": " + got(node.get()) + " is not a boolean (expected: true or false)");
                return Optional.empty();
        }
    }

    Optional<Duration> duration(YamlNode node) {
        Optional<String> text = text(node, "a duration with a unit, like 250ms or 3s");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Durations.parse(text.get()));
        } catch (IllegalArgumentException e) {
            error(ProblemCodes.BAD_DURATION, node, name(node) + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    Optional<Duration> duration(YamlNode.Mapping mapping, String key) {
        return value(mapping, key).flatMap(this::duration);
    }

    /** A map of strings to strings (headers, labels); bad entries are reported and skipped. */
    Map<String, String> stringMap(YamlNode.Mapping mapping, String key, String expected) {
        Map<String, String> out = new LinkedHashMap<>();
        mapping(mapping, key, "a map of " + expected).ifPresent(m -> m.entries().forEach((k, v) -> {
            if (v instanceof YamlNode.Scalar s) {
                out.put(k, s.isNull() ? "" : s.value());
            } else {
                wrongType(v, expected);
            }
        }));
        return out;
    }

    List<String> stringList(YamlNode.Mapping mapping, String key, String expected) {
        List<String> out = new ArrayList<>();
        for (YamlNode item : list(mapping, key, "a list of " + expected)) {
            text(item, expected).ifPresent(out::add);
        }
        return out;
    }

    // --- names ---

    /** A DNS-1123 label, as Kubernetes requires for service and namespace names. */
    boolean checkLabelName(YamlNode node, String value, String what) {
        if (DNS_LABEL.matcher(value).matches()) {
            return true;
        }
        error(ProblemCodes.BAD_NAME, node, what + " `" + abbreviate(value) + "` is not a DNS-1123 label"
                + " (expected: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit)");
        return false;
    }

    boolean checkSubdomainName(YamlNode node, String value, String what, String code) {
        if (value.length() <= 253 && DNS_SUBDOMAIN.matcher(value).matches()) {
            return true;
        }
        error(code, node, what + " `" + abbreviate(value) + "` is not a DNS-1123 subdomain"
                + " (expected: at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit)");
        return false;
    }

    boolean checkLabelValue(YamlNode node, String value, String what) {
        if (LABEL_VALUE.matcher(value).matches()) {
            return true;
        }
        error(ProblemCodes.BAD_NAME, node, what + " `" + abbreviate(value) + "` is not a valid label value"
                + " (expected: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)");
        return false;
    }
}
