package dev.loopmesh.topology;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** The ingress gateway's own routes, by path prefix, first match wins. */
public record IngressSpec(List<Route> routes) {
    public static final IngressSpec NONE = new IngressSpec(List.of());

    public IngressSpec {
        routes = List.copyOf(routes);
    }

    public record Route(String prefix, String service, String namespace, Position position) {
        public Route {
            requireNonNull(prefix, "prefix");
            requireNonNull(service, "service");
            requireNonNull(namespace, "namespace");
            position = position == null ? Position.UNKNOWN : position;
        }
    }
}
