package dev.loopmesh.policy.authz.linkerd;

import dev.loopmesh.policy.ratelimit.LabelSelector;
import dev.loopmesh.topology.Position;

/**
 * Linkerd's Server: the pods ({@code podSelector}) and port it describes. Traffic to it is denied unless an
 * authorization allows it ({@code accessPolicy}, default {@code deny}).
 *
 * @param port a port number or a container port name (Loopmesh's workloads have one port, named {@code http})
 */
public record LinkerdServer(String name, String namespace, LabelSelector podSelector, String port, DefaultPolicy accessPolicy,
                            Position position) {
    public String label() {
        return namespace + "/" + name;
    }

    public boolean selects(String podNamespace, java.util.Map<String, String> labels, int podPort) {
        return namespace.equals(podNamespace) && podSelector.matches(labels)
                && (port.equals(Integer.toString(podPort)) || !port.matches("\\d+"));
    }
}
