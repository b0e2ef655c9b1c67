package dev.loopmesh.policy.authn;

import dev.loopmesh.topology.Position;

import java.util.List;
import java.util.Map;

/** Istio's RequestAuthentication, bound: which workloads (as AuthorizationPolicy selects them) and their JWT rules. */
public record RequestAuthentication(String name, String namespace, Map<String, String> selector, List<String> targets,
                                    List<JwtRule> rules, Position position) {
    public RequestAuthentication {
        selector = selector == null ? null : Map.copyOf(selector);
        targets = List.copyOf(targets);
        rules = List.copyOf(rules);
    }

    public String label() {
        return namespace + "/" + name;
    }
}
