package dev.loopmesh.policy.ratelimit;

import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Severity;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The rate limits of a set of resources, and what was wrong with them. Rules with errors are left out. */
public record RateLimitBinding(List<RateLimitRule> rules, List<Problem> problems) {
    public static final RateLimitBinding EMPTY = new RateLimitBinding(List.of(), List.of());

    public RateLimitBinding {
        rules = List.copyOf(rules);
        problems = List.copyOf(problems);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
    }

    /**
     * The limit of a pod's inbound side: the first rule, in document order, that selects it. (Linkerd lets
     * one policy name a Server; overlapping Servers or LocalRateLimits are the user's ambiguity, and the
     * first one written wins.)
     */
    public Optional<RateLimitConfig> configFor(String namespace, Map<String, String> podLabels, int podPort) {
        for (RateLimitRule r : rules) {
            if (r.selects(namespace, podLabels, podPort)) {
                return Optional.of(r.config());
            }
        }
        return Optional.empty();
    }
}
