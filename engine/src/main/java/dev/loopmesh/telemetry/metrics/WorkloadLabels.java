package dev.loopmesh.telemetry.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The {@code app} and {@code version} labels of each workload, which Istio reads from the pod's labels.
 * The mesh registers what the topology says; a workload nobody registered falls back to Loopmesh's
 * naming, {@code <service>-<version>}, split at the last hyphen.
 */
public final class WorkloadLabels {
    public static final String UNKNOWN = "unknown";
    public static final String GATEWAY = "istio-ingressgateway";

    /** @param app the pod's {@code app} label, @param version its {@code version} label */
    public record AppVersion(String app, String version) {
        public AppVersion {
            requireNonNull(app, "app");
            requireNonNull(version, "version");
        }
    }

    private static final AppVersion UNKNOWN_PAIR = new AppVersion(UNKNOWN, UNKNOWN);
    private final Map<String, AppVersion> known = new ConcurrentHashMap<>();

    public WorkloadLabels() {
        known.put(GATEWAY, new AppVersion(GATEWAY, UNKNOWN));
    }

    /** Records the labels the topology gives a workload; empty values are reported as "unknown". */
    public void register(String workload, String app, String version) {
        requireNonNull(workload, "workload");
        known.put(workload, new AppVersion(orUnknown(app), orUnknown(version)));
    }

    public AppVersion of(String workload) {
        if (workload == null || workload.isEmpty() || UNKNOWN.equals(workload)) {
            return UNKNOWN_PAIR;
        }
        AppVersion a = known.get(workload);
        if (a != null) {
            return a;
        }
        int dash = workload.lastIndexOf('-');
        return dash > 0 && dash < workload.length() - 1
                ? new AppVersion(workload.substring(0, dash), workload.substring(dash + 1))
                : new AppVersion(workload, UNKNOWN);
    }

    static String orUnknown(String s) {
        return s == null || s.isEmpty() ? UNKNOWN : s;
    }
}
