package dev.loopmesh.policy.ratelimit;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A Kubernetes label selector: every {@code matchLabels} pair and every expression must hold; an empty
 * selector selects every pod.
 */
public record LabelSelector(Map<String, String> matchLabels, List<Expression> matchExpressions) {
    public static final LabelSelector ALL = new LabelSelector(Map.of(), List.of());

    /** {@code operator} is In, NotIn, Exists or DoesNotExist, as Kubernetes spells it. */
    public record Expression(String key, String operator, List<String> values) {
        public static final List<String> OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");

        public Expression {
            requireNonNull(key, "key");
            if (!OPERATORS.contains(operator)) {
                throw new IllegalArgumentException("operator: " + operator + " (expected one of: " + OPERATORS + ")");
            }
            values = List.copyOf(values);
        }

        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            switch (operator) {
                case "In":
                    return v != null && values.contains(v);
                case "NotIn":
                    return v == null || !values.contains(v);
                case "Exists":
                    return v != null;
                default:
                    return v == null;
            }
        }
    }

    public LabelSelector {
        matchLabels = Map.copyOf(matchLabels);
        matchExpressions = List.copyOf(matchExpressions);
    }

    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (Expression x : matchExpressions) {
            if (!x.matches(labels)) {
                return false;
            }
        }
        return true;
    }
}
