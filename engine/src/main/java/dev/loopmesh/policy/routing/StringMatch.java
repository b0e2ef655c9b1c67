package dev.loopmesh.policy.routing;

import java.util.Locale;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Istio's StringMatch: exact, prefix or regex (RE2 semantics: the whole value must match), and for paths
 * routed with Gateway API semantics Envoy's {@code path_separated_prefix}.
 * A regex is compiled once, when the config is built, never per request.
 */
public record StringMatch(Kind kind, String value, boolean ignoreCase, Pattern pattern) {
    /**
     * {@code PATH_PREFIX} is Envoy's path_separated_prefix, which istiod writes for a Gateway API PathPrefix:
     * {@code /api} matches {@code /api} and {@code /api/v1}, not {@code /apiv1}.
     */
    public enum Kind { EXACT, PREFIX, REGEX, PATH_PREFIX }

    public StringMatch {
        requireNonNull(kind, "kind");
        requireNonNull(value, "value");
        if (kind == Kind.REGEX && pattern == null) {
            pattern = Pattern.compile(value, ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
        }
    }

    public static StringMatch exact(String v) {
        return new StringMatch(Kind.EXACT, v, false, null);
    }

    public static StringMatch prefix(String v) {
        return new StringMatch(Kind.PREFIX, v, false, null);
    }

    public static StringMatch regex(String v) {
        return new StringMatch(Kind.REGEX, v, false, null);
    }

    public boolean matches(String s) {
        if (s == null) {
            return false;
        }
        return switch (kind) {
            case EXACT -> ignoreCase ? value.equalsIgnoreCase(s) : value.equals(s);
            case PREFIX -> ignoreCase ? s.toLowerCase(Locale.ROOT).startsWith(value.toLowerCase(Locale.ROOT)) : s.startsWith(value);
            case REGEX -> pattern.matcher(s).matches();
            case PATH_PREFIX -> pathPrefix(ignoreCase ? s.toLowerCase(Locale.ROOT) : s,
                    ignoreCase ? value.toLowerCase(Locale.ROOT) : value);
        };
    }

    private static boolean pathPrefix(String s, String prefix) {
        return s.startsWith(prefix) && (s.length() == prefix.length() || s.charAt(prefix.length()) == '/');
    }

    // Pattern has identity equality; compare by the text so equal configs compare equal.
    @Override
    public boolean equals(Object o) {
        return o instanceof StringMatch m && m.kind == kind && m.value.equals(value) && m.ignoreCase == ignoreCase;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(kind, value, ignoreCase);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + " " + value + (ignoreCase ? " (ignore case)" : "");
    }
}
