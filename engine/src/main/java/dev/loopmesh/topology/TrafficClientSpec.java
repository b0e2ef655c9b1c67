package dev.loopmesh.topology;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A named open-loop load client.
 *
 * @param target        {@code ingress}, or a service name (sent from outside the mesh, straight to its pods)
 * @param paths         paths picked by weight
 * @param ratePerSecond the fixed arrival rate, > 0
 * @param headers       per header name, the values picked by weight; an empty value means "header absent"
 */
public record TrafficClientSpec(String name, String target, String method, List<Weighted> paths, double ratePerSecond,
                                Map<String, List<Weighted>> headers, Position position) {
    public TrafficClientSpec {
        requireNonNull(name, "name");
        requireNonNull(target, "target");
        method = method == null ? "GET" : method;
        paths = List.copyOf(paths);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("paths: empty (expected: at least one path)");
        }
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate: " + ratePerSecond + " (expected: > 0)");
        }
        headers = Map.copyOf(headers == null ? Map.of() : headers);
        position = position == null ? Position.UNKNOWN : position;
    }

    /** A value with a relative weight (weights need not sum to 1). */
    public record Weighted(String value, double weight) {
        public Weighted {
            requireNonNull(value, "value");
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("weight: " + weight + " (expected: >= 0)");
            }
        }
    }
}
