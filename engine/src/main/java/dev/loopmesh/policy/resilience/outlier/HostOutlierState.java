package dev.loopmesh.policy.resilience.outlier;

/**
 * What the detector knows of one endpoint, for the admin API and the app.
 *
 * @param multiplier       Envoy's ejection-time multiplier: the next ejection lasts base × (multiplier + 1)
 * @param ejectedAtNanos   when the current ejection began, or -1
 */
public record HostOutlierState(String endpoint, String pod, boolean ejected, int timesEjected, int multiplier,
                               int consecutive5xx, int consecutiveGatewayErrors, int consecutiveLocalOriginFailures,
                               long ejectedAtNanos) {
}
