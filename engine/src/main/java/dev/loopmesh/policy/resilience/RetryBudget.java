package dev.loopmesh.policy.resilience;

import java.time.Duration;

/**
 * Istio's DestinationRule {@code trafficPolicy.retryBudget}, which Istio writes into the cluster's Envoy
 * circuit breaker ({@code circuit_breakers.thresholds[].retry_budget}). A budget limits the retries a
 * proxy has outstanding to a cluster to {@code percent} of the requests active or pending there, never
 * fewer than {@code minRetryConcurrency}; when set it replaces the {@code maxRetries} limit (Envoy:
 * "If this field is set, the retry budget will override any configured retry circuit breaker").
 *
 * @param percent             0..100; Istio's default 20
 * @param minRetryConcurrency at least 1; Istio's default 3 (Istio reads 0 as unset)
 * @param budgetInterval      Envoy's {@code budget_interval}: kept as written; Loopmesh counts the requests
 *                            active and pending now (Envoy's behaviour for 0, its default)
 */
public record RetryBudget(double percent, int minRetryConcurrency, Duration budgetInterval) {
    public static final double DEFAULT_PERCENT = 20;
    public static final int DEFAULT_MIN_RETRY_CONCURRENCY = 3;
    /** {@code retryBudget: {}}: Envoy's and Istio's defaults. */
    public static final RetryBudget DEFAULT = new RetryBudget(DEFAULT_PERCENT, DEFAULT_MIN_RETRY_CONCURRENCY, Duration.ZERO);

    public RetryBudget {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("percent: " + percent + " (expected: 0..100)");
        }
        if (minRetryConcurrency < 1) {
            throw new IllegalArgumentException("minRetryConcurrency: " + minRetryConcurrency + " (expected: >= 1)");
        }
        budgetInterval = budgetInterval == null ? Duration.ZERO : budgetInterval;
        if (budgetInterval.isNegative()) {
            throw new IllegalArgumentException("budgetInterval: " + budgetInterval + " (expected: >= 0)");
        }
    }

    /**
     * Envoy's {@code RetryBudgetImpl::max()}: {@code max(percent / 100 × (active + pending), minRetryConcurrency)},
     * the product truncated to a whole number as Envoy's conversion to an integer does.
     *
     * @param activeAndPending the cluster's requests in flight or waiting for a connection, retries included
     */
    public long maxActiveRetries(long activeAndPending) {
        if (activeAndPending < 0) {
            throw new IllegalArgumentException("activeAndPending: " + activeAndPending + " (expected: >= 0)");
        }
        return Math.max((long) (percent / 100.0 * activeAndPending), minRetryConcurrency);
    }

    /** Whether one more retry fits beside {@code activeRetries} (Envoy: {@code count() < max()}). */
    public boolean allows(long activeRetries, long activeAndPending) {
        return activeRetries < maxActiveRetries(activeAndPending);
    }
}
