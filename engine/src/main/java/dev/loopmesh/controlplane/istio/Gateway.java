package dev.loopmesh.controlplane.istio;

import dev.loopmesh.topology.Position;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Istio {@code Gateway}: which gateway pods (by labels) accept which hosts on which ports.
 *
 * @param source what it stands for in a proxy's resources: {@code Gateway default/bookinfo}, or for one istiod
 *               generates from a Gateway API Gateway's listener, that Gateway
 */
public record Gateway(String name, String namespace, Map<String, String> selector, List<Server> servers, Position position,
                      String source) {
    public Gateway {
        requireNonNull(name, "name");
        requireNonNull(namespace, "namespace");
        selector = Map.copyOf(selector);
        servers = List.copyOf(servers);
        source = source == null || source.isEmpty() ? "Gateway " + namespace + "/" + name : source;
    }

    /** A Gateway written as an Istio resource. */
    public Gateway(String name, String namespace, Map<String, String> selector, List<Server> servers, Position position) {
        this(name, namespace, selector, servers, position, null);
    }

    public String key() {
        return namespace + "/" + name;
    }

    /** @param hosts as written: {@code *}, {@code bookinfo.example.com}, {@code ns/host}, {@code ./host}, {@code * /host} */
    public record Server(int port, String portName, String protocol, List<String> hosts) {
        public Server {
            hosts = List.copyOf(hosts);
        }
    }
}
