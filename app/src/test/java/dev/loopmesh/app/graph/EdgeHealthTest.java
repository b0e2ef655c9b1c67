package dev.loopmesh.app.graph;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Kiali's edge colours: green, orange from 0.1 % errors, red above 10 %. */
class EdgeHealthTest {

    @Test
    void noErrorsIsHealthy() {
        assertThat(EdgeHealth.of(1.0)).isEqualTo(EdgeHealth.HEALTHY);
        assertThat(EdgeHealth.of(0.9995)).isEqualTo(EdgeHealth.HEALTHY);
    }

    @Test
    void aTenthOfAPercentOfErrorsIsDegraded() {
        assertThat(EdgeHealth.of(0.999)).isEqualTo(EdgeHealth.DEGRADED);
        assertThat(EdgeHealth.of(0.95)).isEqualTo(EdgeHealth.DEGRADED);
        assertThat(EdgeHealth.of(0.90)).isEqualTo(EdgeHealth.DEGRADED);
    }

    @Test
    void moreThanTenPercentOfErrorsIsFailing() {
        assertThat(EdgeHealth.of(0.899)).isEqualTo(EdgeHealth.FAILING);
        assertThat(EdgeHealth.of(0.0)).isEqualTo(EdgeHealth.FAILING);
    }

    @Test
    void noRequestsIsIdle() {
        assertThat(EdgeHealth.of(Double.NaN)).isEqualTo(EdgeHealth.IDLE);
    }

    @Test
    void eachHealthHasItsOwnStyleClass() {
        assertThat(EdgeHealth.values()).extracting(EdgeHealth::styleClass).doesNotHaveDuplicates();
    }
}
