package dev.loopmesh.telemetry.health;

import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * One rule of Kiali's {@code health_config.rate[].tolerance}: the share of requests whose response code
 * matches {@code code}, in percent, at which health becomes degraded or failure.
 *
 * @param code     response codes this rule counts as errors (a regex over the code, e.g. {@code ^5\d\d$})
 * @param protocol the protocol it applies to (a regex: {@code http}, {@code grpc})
 * @param degraded percent of matching requests from which the health is degraded (0: any at all)
 * @param failure  percent from which it is failure (0: never)
 */
public record Tolerance(Pattern code, Pattern protocol, double degraded, double failure) {
    public Tolerance {
        requireNonNull(code, "code");
        requireNonNull(protocol, "protocol");
        if (degraded < 0 || degraded > 100) {
            throw new IllegalArgumentException("degraded: " + degraded + " (expected: 0..100)");
        }
        if (failure < 0 || failure > 100) {
            throw new IllegalArgumentException("failure: " + failure + " (expected: 0..100)");
        }
    }

    public static Tolerance of(String code, String protocol, double degraded, double failure) {
        return new Tolerance(Pattern.compile(code), Pattern.compile(protocol), degraded, failure);
    }

    /**
     * Kiali's {@code applyThresholds}: no matching error is healthy; then failure from {@code failure}
     * percent (when set), else degraded from {@code degraded} percent — with degraded 0, any error at all.
     */
    public Health judge(double errorPercent) {
        if (errorPercent <= 0) {
            return Health.HEALTHY;
        }
        if (failure > 0 && errorPercent >= failure) {
            return Health.FAILURE;
        }
        return errorPercent >= degraded ? Health.DEGRADED : Health.HEALTHY;
    }
}
