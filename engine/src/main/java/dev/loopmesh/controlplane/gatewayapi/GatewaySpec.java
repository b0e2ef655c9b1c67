package dev.loopmesh.controlplane.gatewayapi;

import dev.loopmesh.topology.Position;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A Gateway API {@code Gateway}: its class and listeners, as bound from YAML.
 *
 * @param className {@code spec.gatewayClassName}
 */
public record GatewaySpec(String name, String namespace, String className, List<Listener> listeners, Position position) {
    public GatewaySpec {
        requireNonNull(name, "name");
        requireNonNull(namespace, "namespace");
        requireNonNull(className, "className");
        listeners = List.copyOf(listeners);
    }

    public String key() {
        return namespace + "/" + name;
    }

    /**
     * One listener.
     *
     * @param hostname "" for any
     * @param from     which namespaces' routes may attach: {@code Same} (the default), {@code All} or {@code Selector}
     * @param kinds    the route kinds it admits; empty for the default of its protocol (HTTPRoute and GRPCRoute)
     */
    public record Listener(String name, int port, String protocol, String hostname, String from, List<String> kinds,
                           Position position) {
        public Listener {
            hostname = hostname == null ? "" : hostname;
            from = from == null ? "Same" : from;
            kinds = List.copyOf(kinds);
        }

        boolean admits(String routeKind) {
            return kinds.isEmpty() ? routeKind.equals("HTTPRoute") || routeKind.equals("GRPCRoute") : kinds.contains(routeKind);
        }

        boolean admitsNamespace(String routeNamespace, String gatewayNamespace) {
            return switch (from) {
                case "All" -> true;
                case "None" -> false;
                default -> routeNamespace.equals(gatewayNamespace);
            };
        }
    }

    /** A {@code GatewayClass}: which controller serves the Gateways of this class. */
    public record GatewayClass(String name, String controllerName) {
    }

    /**
     * A {@code ReferenceGrant}: routes of the {@code from} namespaces and kinds may refer to the {@code to} kinds of
     * this one's namespace.
     */
    public record ReferenceGrant(String name, String namespace, List<From> from, List<To> to) {
        public ReferenceGrant {
            from = List.copyOf(from);
            to = List.copyOf(to);
        }

        public record From(String group, String kind, String namespace) {
        }

        /** @param name "" for every resource of the kind */
        public record To(String group, String kind, String name) {
        }
    }
}
