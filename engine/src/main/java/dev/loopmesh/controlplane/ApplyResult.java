package dev.loopmesh.controlplane;

import dev.loopmesh.topology.Problem;

import java.util.List;

/** The answer to an apply or delete: per resource, applied or rejected and why. */
public record ApplyResult(List<Outcome> outcomes, long version) {
    public ApplyResult {
        outcomes = List.copyOf(outcomes);
    }

    public record Outcome(String resource, boolean accepted, String action, List<Problem> problems, List<String> proxies) {
        public Outcome {
            problems = List.copyOf(problems);
            proxies = List.copyOf(proxies);
        }
    }

    public boolean allAccepted() {
        return outcomes.stream().allMatch(Outcome::accepted);
    }
}
