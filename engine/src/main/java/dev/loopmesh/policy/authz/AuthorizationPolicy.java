package dev.loopmesh.policy.authz;

import dev.loopmesh.topology.Position;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Istio's AuthorizationPolicy (security.istio.io), bound.
 *
 * @param selector  {@code selector.matchLabels}, null for none (the whole namespace; the whole mesh in the root namespace)
 * @param targets   {@code targetRef(s)} as {@code Kind/name} (Service, Gateway), empty for none
 * @param rules     empty: the policy matches nothing (an ALLOW with no rules is "allow nothing")
 * @param dryRun    annotation {@code istio.io/dry-run: "true"}: evaluated and logged, never enforced
 * @param provider  {@code provider.name} of a CUSTOM policy, "" otherwise
 */
public record AuthorizationPolicy(String name, String namespace, Action action, Map<String, String> selector,
                                  List<String> targets, List<Rule> rules, boolean dryRun, String provider, Position position) {
    public AuthorizationPolicy {
        requireNonNull(name, "name");
        requireNonNull(namespace, "namespace");
        requireNonNull(action, "action");
        selector = selector == null ? null : Map.copyOf(selector);
        targets = List.copyOf(targets);
        rules = List.copyOf(rules);
        provider = provider == null ? "" : provider;
        position = position == null ? Position.UNKNOWN : position;
    }

    public String label() {
        return namespace + "/" + name;
    }

    /**
     * The policy on a TCP connection (see {@link Rule#forTcp}), or null when it does not apply to TCP: a
     * CUSTOM policy's HTTP provider checks requests, not connections.
     */
    public AuthorizationPolicy forTcp() {
        if (action == Action.CUSTOM) {
            return null;
        }
        List<Rule> tcp = rules.stream().map(r -> r.forTcp(action == Action.ALLOW)).filter(java.util.Objects::nonNull).toList();
        return tcp.equals(rules) ? this : new AuthorizationPolicy(name, namespace, action, selector, targets, tcp, dryRun, provider, position);
    }

    /** Whether any rule matches (an empty rule list matches nothing). */
    public boolean matches(AuthzRequest r) {
        for (Rule rule : rules) {
            if (rule.matches(r)) {
                return true;
            }
        }
        return false;
    }
}
