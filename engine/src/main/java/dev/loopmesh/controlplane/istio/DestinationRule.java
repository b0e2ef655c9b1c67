package dev.loopmesh.controlplane.istio;

import dev.loopmesh.policy.resilience.ConnectionPoolSettings;
import dev.loopmesh.policy.resilience.OutlierSettings;
import dev.loopmesh.policy.resilience.RetryBudget;
import dev.loopmesh.policy.routing.LbPolicy;
import dev.loopmesh.topology.Position;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** Istio {@code DestinationRule}: subsets by labels and the traffic policy of a host's clusters. */
public record DestinationRule(String name, String namespace, String host, TrafficPolicy trafficPolicy,
                              List<Subset> subsets, List<String> exportTo, Position position) {
    public DestinationRule {
        requireNonNull(name, "name");
        requireNonNull(namespace, "namespace");
        requireNonNull(host, "host");
        trafficPolicy = trafficPolicy == null ? TrafficPolicy.EMPTY : trafficPolicy;
        subsets = List.copyOf(subsets);
        exportTo = List.copyOf(exportTo);
    }

    public String key() {
        return namespace + "/" + name;
    }

    public Subset subset(String subsetName) {
        return subsets.stream().filter(s -> s.name().equals(subsetName)).findFirst().orElse(null);
    }

    public record Subset(String name, Map<String, String> labels, TrafficPolicy trafficPolicy) {
        public Subset {
            requireNonNull(name, "name");
            labels = Map.copyOf(labels);
            trafficPolicy = trafficPolicy == null ? TrafficPolicy.EMPTY : trafficPolicy;
        }
    }

    /**
     * A traffic policy; each field is null when not written, so that a subset's or a port's policy
     * replaces only the fields it sets (Istio merges at the level of these fields). {@code retryBudget}
     * exists at the DestinationRule and subset levels only (Istio's PortTrafficPolicy has none), and a
     * subset without one keeps the DestinationRule's (istio/istio#59667).
     */
    public record TrafficPolicy(LbPolicy loadBalancer, ConnectionPoolSettings connectionPool, OutlierSettings outlierDetection,
                                String tlsMode, Map<Integer, TrafficPolicy> portLevelSettings, RetryBudget retryBudget) {
        public static final TrafficPolicy EMPTY = new TrafficPolicy(null, null, null, null, Map.of(), null);

        public TrafficPolicy {
            portLevelSettings = Map.copyOf(portLevelSettings == null ? Map.of() : portLevelSettings);
        }

        public TrafficPolicy(LbPolicy loadBalancer, ConnectionPoolSettings connectionPool, OutlierSettings outlierDetection,
                             String tlsMode, Map<Integer, TrafficPolicy> portLevelSettings) {
            this(loadBalancer, connectionPool, outlierDetection, tlsMode, portLevelSettings, null);
        }

        /** This policy with {@code over}'s fields where {@code over} sets them. */
        public TrafficPolicy overriddenBy(TrafficPolicy over) {
            if (over == null) {
                return this;
            }
            return new TrafficPolicy(over.loadBalancer != null ? over.loadBalancer : loadBalancer,
                    over.connectionPool != null ? over.connectionPool : connectionPool,
                    over.outlierDetection != null ? over.outlierDetection : outlierDetection,
                    over.tlsMode != null ? over.tlsMode : tlsMode, Map.of(),
                    over.retryBudget != null ? over.retryBudget : retryBudget);
        }

        /** Istio's MergeTrafficPolicy: top level, then its port level, then the subset's, then the subset's port level. */
        public static TrafficPolicy effective(TrafficPolicy top, TrafficPolicy subset, int port) {
            TrafficPolicy p = top.overriddenBy(top.portLevelSettings.get(port));
            if (subset != null) {
                p = p.overriddenBy(subset).overriddenBy(subset.portLevelSettings.get(port));
            }
            return p;
        }
    }
}
