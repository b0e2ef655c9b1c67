package dev.loopmesh.policy.resilience;

import java.time.Duration;

/**
 * DestinationRule {@code outlierDetection}; null fields in YAML take Istio's defaults
 * (consecutive5xxErrors 5, interval 10s, baseEjectionTime 30s, maxEjectionPercent 10, minHealthPercent 0).
 * A value of 0 disables a counter.
 */
public record OutlierSettings(int consecutive5xxErrors, int consecutiveGatewayErrors,
                              int consecutiveLocalOriginFailures, boolean splitExternalLocalOriginErrors,
                              Duration interval, Duration baseEjectionTime, int maxEjectionPercent,
                              int minHealthPercent) {
    public static final OutlierSettings ISTIO_DEFAULT = new OutlierSettings(5, 0, 5, false, Duration.ofSeconds(10),
            Duration.ofSeconds(30), 10, 0);
}
