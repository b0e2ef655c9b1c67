package dev.loopmesh.policy.resilience.outlier;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * An endpoint left or rejoined a cluster's load-balancing set (Envoy's outlier ejection event log).
 *
 * @param cluster        the cluster's name
 * @param endpoint       the endpoint's {@code host:port}
 * @param pod            the endpoint's pod, or "" when the detector does not know it
 * @param reason         why it was ejected; for RETURNED, the reason of the ejection that ended
 * @param ejectionCount  how many times this endpoint has been ejected so far (this ejection included)
 * @param ejectionTime   how long this ejection lasts, in configured time (base × multiplier, capped);
 *                       {@link Duration#ZERO} for RETURNED
 * @param nanos          when it happened, on the detector's clock
 */
public record OutlierEvent(String cluster, String endpoint, String pod, Type type, Reason reason, int ejectionCount,
                           Duration ejectionTime, long nanos) {
    public enum Type { EJECTED, RETURNED }

    /** Envoy's ejection types, the ones Istio's {@code outlierDetection} can turn on. */
    public enum Reason { CONSECUTIVE_5XX, CONSECUTIVE_GATEWAY_FAILURE, CONSECUTIVE_LOCAL_ORIGIN_FAILURE }

    public OutlierEvent {
        requireNonNull(cluster, "cluster");
        requireNonNull(endpoint, "endpoint");
        pod = pod == null ? "" : pod;
        requireNonNull(type, "type");
        requireNonNull(reason, "reason");
        ejectionTime = ejectionTime == null ? Duration.ZERO : ejectionTime;
    }

    /** One line for the timeline: {@code reviews-v2-0 (127.0.1.3:15006) ejected: 5 consecutive 5xx, for 30s}. */
    public String describe() {
        String who = pod.isEmpty() ? endpoint : pod + " (" + endpoint + ")";
        if (type == Type.RETURNED) {
            return who + " returned to " + cluster + " after ejection #" + ejectionCount;
        }
        return who + " ejected from " + cluster + ": " + reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + ", for " + dev.loopmesh.topology.Durations.format(ejectionTime) + " (ejection #" + ejectionCount + ")";
    }
}
