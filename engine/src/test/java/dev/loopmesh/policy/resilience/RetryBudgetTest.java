package dev.loopmesh.policy.resilience;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryBudgetTest {

    @Test
    void theBudgetIsAPercentOfActiveAndPendingRequestsNeverBelowTheMinimumConcurrency() {
        // Envoy RetryBudget: "a budget of 20% with a minimum retry concurrency of 3 will allow 5 active retries
        // while there are 25 active requests. If there are 2 active requests, there are still 3 active retries allowed"
        RetryBudget b = RetryBudget.DEFAULT;
        assertThat(b.maxActiveRetries(25)).isEqualTo(5);
        assertThat(b.maxActiveRetries(2)).isEqualTo(3);
        assertThat(b.maxActiveRetries(0)).isEqualTo(3);
        assertThat(b.maxActiveRetries(100)).isEqualTo(20);
        // Envoy converts the product to an integer: 20 % of 24 is 4.8, so 4, and the floor of 3 does not apply
        assertThat(b.maxActiveRetries(24)).isEqualTo(4);
    }

    @Test
    void oneMoreRetryFitsOnlyBelowTheBudget() {
        RetryBudget b = new RetryBudget(50, 1, Duration.ZERO);
        assertThat(b.allows(0, 0)).isTrue();
        assertThat(b.allows(1, 0)).isFalse();
        assertThat(b.allows(1, 4)).isTrue();
        assertThat(b.allows(2, 4)).isFalse();
        assertThat(new RetryBudget(0, 1, null).allows(1, 1000)).isFalse();
    }

    @Test
    void outOfRangeSettingsAreRefusedWithTheNameAndTheExpectation() {
        assertThatThrownBy(() -> new RetryBudget(120, 3, null)).hasMessage("percent: 120.0 (expected: 0..100)");
        assertThatThrownBy(() -> new RetryBudget(20, 0, null)).hasMessage("minRetryConcurrency: 0 (expected: >= 1)");
        assertThatThrownBy(() -> RetryBudget.DEFAULT.maxActiveRetries(-1)).hasMessageContaining("activeAndPending: -1");
    }
}
