package dev.loopmesh.policy.resilience;

import java.time.Duration;

/**
 * Istio's HTTPFaultInjection.
 *
 * @param delay          fixed delay, null for none
 * @param delayPercent   share of requests delayed, 0..100
 * @param abortStatus    HTTP status to abort with, 0 for none
 * @param abortGrpcStatus gRPC status name or number to abort with, null for none
 * @param abortPercent   share of requests aborted, 0..100
 */
public record FaultPolicy(Duration delay, double delayPercent, int abortStatus, String abortGrpcStatus, double abortPercent) {
    public FaultPolicy {
        if (delayPercent < 0 || delayPercent > 100) {
            throw new IllegalArgumentException("delay percentage: " + delayPercent + " (expected: 0..100)");
        }
        if (abortPercent < 0 || abortPercent > 100) {
            throw new IllegalArgumentException("abort percentage: " + abortPercent + " (expected: 0..100)");
        }
    }

    public boolean hasDelay() {
        return delay != null;
    }

    public boolean hasAbort() {
        return abortStatus > 0 || abortGrpcStatus != null;
    }
}
