package dev.loopmesh.policy.ratelimit;

import dev.loopmesh.topology.Position;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * One bound rate-limit resource: which pods it selects and the limit they get.
 *
 * @param resource the resource's key ({@link dev.loopmesh.topology.MeshResource#key()})
 * @param port     the pod port it applies to: a number, a port name (Loopmesh pods have one port, so a
 *                 name matches it), or "" for every port
 */
public record RateLimitRule(String resource, String namespace, LabelSelector selector, String port,
                            RateLimitConfig config, Position position) {
    public RateLimitRule {
        requireNonNull(resource, "resource");
        requireNonNull(namespace, "namespace");
        requireNonNull(selector, "selector");
        port = port == null ? "" : port;
        requireNonNull(config, "config");
    }

    public boolean selects(String podNamespace, Map<String, String> podLabels, int podPort) {
        if (!namespace.equals(podNamespace) || !selector.matches(podLabels)) {
            return false;
        }
        return port.isEmpty() || !port.chars().allMatch(Character::isDigit) || Integer.parseInt(port) == podPort;
    }
}
