package dev.loopmesh.policy.resilience;

import java.time.Duration;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Istio's HTTPRetry as Envoy runs it.
 *
 * @param attempts         retries after the first try (Istio's {@code attempts}); 0 disables retries
 * @param perTryTimeout    covers the first try too; null for none
 * @param retryOn          Envoy retry conditions ({@code 5xx}, {@code gateway-error}, {@code connect-failure}, …,
 *                         and numeric status codes for {@code retriable-status-codes})
 * @param retryRemoteLocalities unused on one machine; kept so YAML round-trips
 */
public record RetryPolicy(int attempts, Duration perTryTimeout, Set<String> retryOn, boolean retryIgnorePreviousHosts,
                          boolean retryRemoteLocalities) {
    /**
     * Istio's mesh default when a route says nothing (pilot's retry.DefaultPolicy): 2 retries on
     * connect-failure, refused-stream, unavailable, cancelled and retriable-status-codes with 503,
     * avoiding the previous host.
     */
    public static final RetryPolicy ISTIO_DEFAULT = new RetryPolicy(2, null,
            Set.of("connect-failure", "refused-stream", "unavailable", "cancelled", "retriable-status-codes", "503"), true, false);
    public static final RetryPolicy NONE = new RetryPolicy(0, null, Set.of(), false, false);

    public RetryPolicy {
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts: " + attempts + " (expected: >= 0)");
        }
        retryOn = Set.copyOf(requireNonNull(retryOn, "retryOn"));
    }
}
