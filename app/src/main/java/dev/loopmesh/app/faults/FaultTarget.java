package dev.loopmesh.app.faults;

import static java.util.Objects.requireNonNull;

/** Where a fault acts: a service, the calls of one workload to a service, or one pod. */
public sealed interface FaultTarget {
    String describe();

    /** Every call to a service. */
    record Service(String service) implements FaultTarget {
        public Service {
            requireNonNull(service, "service");
        }

        @Override
        public String describe() {
            return service;
        }
    }

    /**
     * The calls from one workload ({@code productpage-v1}, or the gateway) to a service: an edge of the
     * graph. {@code destinationWorkload} is the edge's far end, kept so the badge finds its edge.
     */
    record Edge(String sourceWorkload, String sourceService, String sourceVersion, String destinationWorkload, String service)
            implements FaultTarget {
        public Edge {
            requireNonNull(sourceWorkload, "sourceWorkload");
            requireNonNull(service, "service");
        }

        @Override
        public String describe() {
            return sourceWorkload + " → " + service;
        }
    }

    /** One pod's app. */
    record Pod(String pod, String workload, String service) implements FaultTarget {
        public Pod {
            requireNonNull(pod, "pod");
        }

        @Override
        public String describe() {
            return pod;
        }
    }
}
