package dev.loopmesh.telemetry.health;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Kiali's default health_config ("Traffic Health"; business/health_calculator.go applyThresholds). */
class HealthConfigTest {
    private static Health judge(Map<String, Long> responses) {
        return HealthConfig.KIALI_DEFAULT.judge(responses);
    }

    @Test
    void noRequestsIsIdle() {
        assertThat(judge(Map.of())).isEqualTo(Health.IDLE);
    }

    @Test
    void anyShareOf5xxIsDegradedAndTenPercentIsFailure() {
        assertThat(judge(Map.of("200", 1000L))).isEqualTo(Health.HEALTHY);
        assertThat(judge(Map.of("200", 999L, "503", 1L))).isEqualTo(Health.DEGRADED); // 0.1 %
        assertThat(judge(Map.of("200", 91L, "500", 9L))).isEqualTo(Health.DEGRADED);
        assertThat(judge(Map.of("200", 90L, "504", 10L))).isEqualTo(Health.FAILURE);
        assertThat(judge(Map.of("503", 5L))).isEqualTo(Health.FAILURE);
    }

    @Test
    void clientErrorsAreToleratedUpToTenPercent() {
        assertThat(judge(Map.of("200", 91L, "404", 9L))).isEqualTo(Health.HEALTHY);
        assertThat(judge(Map.of("200", 90L, "404", 10L))).isEqualTo(Health.DEGRADED);
        assertThat(judge(Map.of("200", 80L, "429", 20L))).isEqualTo(Health.FAILURE);
    }

    @Test
    void requestsWithoutAResponseMatchNoneOfKialisCodes() {
        assertThat(judge(Map.of("200", 1L, "0", 1L))).isEqualTo(Health.HEALTHY);
    }

    @Test
    void theWorstRuleWins() {
        // 5 % 5xx alone is degraded; 25 % 4xx alone is failure
        assertThat(judge(Map.of("200", 70L, "503", 5L, "404", 25L))).isEqualTo(Health.FAILURE);
    }
}
