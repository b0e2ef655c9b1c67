package dev.loopmesh.controlplane.istio;

import dev.loopmesh.policy.routing.StringMatch;
import dev.loopmesh.topology.SpecFields;
import dev.loopmesh.topology.YamlNode;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The Istio networking binder's reads on top of the shared {@link SpecFields}: string matches, regexes, percentages. */
final class IstioFields {
    static final SpecFields.Codes CODES = new SpecFields.Codes(IstioCodes.UNKNOWN_FIELD, IstioCodes.WRONG_TYPE,
            IstioCodes.MISSING_FIELD, IstioCodes.INVALID_VALUE, IstioCodes.BAD_DURATION);

    private IstioFields() {
    }

    static SpecFields reader() {
        return new SpecFields(CODES, SpecFields.Dialect.ISTIO);
    }

    /** Istio's Percent: {@code {value: 0..100}}; null when absent. */
    static Double percentage(SpecFields r, YamlNode.Mapping m, String key) {
        YamlNode.Mapping p = r.mapping(m, key);
        if (p == null) {
            return null;
        }
        r.keys(p, "value");
        Double v = r.number(p, "value");
        if (v == null) {
            return p.entries().containsKey("value") ? null : 0.0;
        }
        if (v < 0 || v > 100) {
            r.error(IstioCodes.PERCENT_RANGE, p.entries().get("value"), "percentage " + v + " is out of range (expected: 0..100)");
            return null;
        }
        return v;
    }

    /**
     * Istio's StringMatch: exactly one of exact, prefix, regex. Returns null when absent or invalid.
     * {@code {}} and {@code regex: "*"} are not accepted here; header matchers handle presence first.
     */
    static StringMatch stringMatch(SpecFields r, YamlNode node, String what, boolean ignoreCase) {
        if (!(node instanceof YamlNode.Mapping)) {
            r.error(IstioCodes.WRONG_TYPE, node, what + " is " + node.describe() + " (expected: a map with exact, prefix or regex)");
            return null;
        }
        YamlNode.Mapping m = (YamlNode.Mapping) node;
        r.keys(m, "exact", "prefix", "regex");
        if (m.entries().size() != 1) {
            if (m.entries().isEmpty()) {
                r.error(IstioCodes.MISSING_FIELD, m, what + " is empty (expected one of exact, prefix, regex)");
            } else if (m.entries().keySet().stream().allMatch(k -> k.equals("exact") || k.equals("prefix") || k.equals("regex"))) {
                r.error(IstioCodes.CONFLICT, m, what + " has " + String.join(" and ", m.entries().keySet())
                        + " (expected: exactly one of exact, prefix, regex)");
            }
            return null;
        }
        String kind = m.entries().keySet().iterator().next();
        String value = r.string(m, kind);
        if (value == null) {
            return null;
        }
        switch (kind) {
            case "exact":
                return new StringMatch(StringMatch.Kind.EXACT, value, ignoreCase, null);
            case "prefix":
                return new StringMatch(StringMatch.Kind.PREFIX, value, ignoreCase, null);
            case "regex": {
                Pattern p = compile(r, m.entries().get("regex"), value, ignoreCase);
                return p == null ? null : new StringMatch(StringMatch.Kind.REGEX, value, ignoreCase, p);
            }
            default:
                return null;
        }
    }

    static Pattern compile(SpecFields r, YamlNode at, String regex, boolean ignoreCase) {
        try {
            return Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
        } catch (PatternSyntaxException e) {
            r.error(IstioCodes.BAD_REGEX, at, "regex `" + regex + "` does not compile: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
            return null;
        }
    }
}
