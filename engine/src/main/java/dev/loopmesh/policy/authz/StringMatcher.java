package dev.loopmesh.policy.authz;

import java.util.Locale;

/**
 * Istio's authorization string match: {@code *} matches any value that is present, {@code abc*} is a
 * prefix, {@code *abc} a suffix, anything else exact. Case-sensitive except where Istio says otherwise
 * (hosts).
 */
public record StringMatcher(String pattern, boolean ignoreCase) {
    public StringMatcher {
        if (pattern == null) {
            throw new IllegalArgumentException("pattern: null (expected: a string)");
        }
    }

    public static StringMatcher of(String pattern) {
        return new StringMatcher(pattern, false);
    }

    public boolean matches(String value) {
        if (value == null) {
            return false;
        }
        String p = ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern;
        String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
        if (p.equals("*")) {
            return true;
        }
        if (p.endsWith("*")) {
            return v.startsWith(p.substring(0, p.length() - 1));
        }
        if (p.startsWith("*")) {
            return v.endsWith(p.substring(1));
        }
        return v.equals(p);
    }

    @Override
    public String toString() {
        return pattern;
    }
}
