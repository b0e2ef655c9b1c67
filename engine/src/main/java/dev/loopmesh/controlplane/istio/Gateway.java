package dev.loopmesh.controlplane.istio;

import dev.loopmesh.topology.Position;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** Istio {@code Gateway}: which gateway pods (by labels) accept which hosts on which ports. */
public record Gateway(String name, String namespace, Map<String, String> selector, List<Server> servers, Position position) {
    public Gateway {
        requireNonNull(name, "name");
        requireNonNull(namespace, "namespace");
        selector = Map.copyOf(selector);
        servers = List.copyOf(servers);
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
