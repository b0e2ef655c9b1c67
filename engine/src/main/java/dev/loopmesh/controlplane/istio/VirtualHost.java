package dev.loopmesh.controlplane.istio;

import java.util.List;

/**
 * Envoy's virtual host: the host names (without port) it answers for, the port (0 for any) and the
 * ordered rules. {@code name} is what the trace shows: {@code reviews.default.svc.cluster.local:9080}.
 */
public record VirtualHost(String name, List<String> hosts, int port, List<CompiledRule> rules) {
    public VirtualHost {
        hosts = List.copyOf(hosts);
        rules = List.copyOf(rules);
    }
}
