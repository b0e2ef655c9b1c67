package dev.loopmesh.controlplane.istio;

import java.util.Map;
import java.util.Set;

/**
 * The proxy a snapshot is computed for: what sourceLabels, sourceNamespace and gateways are
 * evaluated against at translation time, as istiod does.
 *
 * @param gatewayNames for a gateway, the {@code namespace/name} of every Gateway resource selecting it
 */
record ProxyContext(String id, String namespace, Map<String, String> labels, boolean gateway, Set<String> gatewayNames) {
    ProxyContext {
        labels = Map.copyOf(labels);
        gatewayNames = Set.copyOf(gatewayNames);
    }
}
