package dev.loopmesh.dataplane;

import dev.loopmesh.policy.resilience.ConnectionPoolSettings;
import dev.loopmesh.policy.resilience.RetryBudget;
import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.policy.routing.Endpoint;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The cluster's retries resource (Envoy's retry circuit breaker or retry budget), without sockets. */
class RetryLimitTest {
    private static ClusterRuntime cluster(int maxRetries, RetryBudget budget) {
        ConnectionPoolSettings d = ConnectionPoolSettings.DEFAULT;
        ConnectionPoolSettings cp = new ConnectionPoolSettings(d.maxConnections(), d.connectTimeout(), d.http1MaxPendingRequests(),
                d.http2MaxRequests(), d.maxRequestsPerConnection(), maxRetries, d.idleTimeout());
        return new ClusterRuntime(new ClusterConfig("outbound|9080||b.default.svc.cluster.local", "b.default.svc.cluster.local", "",
                9080, List.of(new Endpoint("b-v1-0", "b-v1", "127.0.0.1", 1, Map.of(), false, "", "default")), null, cp, null, "", "",
                null, budget));
    }

    @Test
    void maxRetriesBoundsTheRetriesOutstandingAndAFinishedRetryFreesItsSlot() {
        ClusterRuntime c = cluster(2, null);
        assertThat(c.tryStartRetry()).isNull();
        assertThat(c.tryStartRetry()).isNull();
        assertThat(c.tryStartRetry()).isEqualTo("maxRetries 2 reached");
        c.endRetry();
        assertThat(c.tryStartRetry()).isNull();
    }

    @Test
    void aRetryBudgetOverridesMaxRetries() {
        // Envoy circuit_breaker.proto: "If this field is set, the retry budget will override any configured retry circuit breaker"
        ClusterRuntime c = cluster(1, new RetryBudget(20, 3, Duration.ZERO));
        assertThat(c.tryStartRetry()).isNull();
        assertThat(c.tryStartRetry()).isNull();
        assertThat(c.tryStartRetry()).isNull();
        assertThat(c.tryStartRetry()).isEqualTo("retry budget (20% of 0 active and pending, at least 3) allows 3, 3 active");
        // 25 requests in flight: 20 % allows 5
        c.activeRequests.set(25);
        assertThat(c.tryStartRetry()).isNull();
        assertThat(c.tryStartRetry()).isNull();
        assertThat(c.tryStartRetry()).startsWith("retry budget (20% of 25 active and pending");
    }
}
