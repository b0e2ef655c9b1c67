package dev.loopmesh.topology;

import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * One version of a service, run as {@code replicas} pods.
 *
 * @param labels   every label of its pods, including {@code app} and {@code version} as Kubernetes pods carry them
 * @param sidecar  false for a pod outside the mesh (a legacy client or server)
 * @param external null for an emulated workload; else the real process it stands for
 */
public record WorkloadSpec(String service, String namespace, String version, int replicas, String serviceAccount,
                           Map<String, String> labels, boolean sidecar, BehaviorSpec behavior, ExternalSpec external,
                           Position position) {
    public WorkloadSpec {
        requireNonNull(service, "service");
        requireNonNull(namespace, "namespace");
        requireNonNull(version, "version");
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas: " + replicas + " (expected: >= 0)");
        }
        serviceAccount = serviceAccount == null ? "default" : serviceAccount;
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app", service);
        all.put("version", version);
        if (labels != null) {
            all.putAll(labels);
        }
        labels = java.util.Collections.unmodifiableMap(all);
        behavior = behavior == null ? BehaviorSpec.DEFAULT : behavior;
        position = position == null ? Position.UNKNOWN : position;
    }

    /** The workload's name as Istio's telemetry writes it: {@code reviews-v2}. */
    public String name() {
        return service + "-" + version;
    }
}
