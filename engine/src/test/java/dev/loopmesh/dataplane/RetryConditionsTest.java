package dev.loopmesh.dataplane;

import dev.loopmesh.policy.resilience.RetryPolicy;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Envoy router: x-envoy-retriable-status-codes, x-envoy-retriable-header-names, x-envoy-ratelimited. */
class RetryConditionsTest {
    private static RetryPolicy on(String... conditions) {
        return new RetryPolicy(2, null, Set.of(conditions), true, false);
    }

    private static HttpHeaders headers(String... kv) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < kv.length; i += 2) {
            h.add(kv[i], kv[i + 1]);
        }
        return h;
    }

    @Test
    void theRequestCanNameMoreRetriableStatusCodes() {
        // "x-envoy-retriable-status-codes … used in conjunction with the retriable-status-code retry policy"
        HttpHeaders req = headers("x-envoy-retriable-status-codes", "409, 418");
        assertThat(RetryConditions.retriable(on("retriable-status-codes"), req, 418, headers())).isTrue();
        assertThat(RetryConditions.retriable(on("retriable-status-codes"), req, 500, headers())).isFalse();
        assertThat(RetryConditions.retriable(on("5xx"), req, 418, headers())).isFalse();
    }

    @Test
    void aResponseCarryingARetriableHeaderIsRetried() {
        HttpHeaders req = headers("x-envoy-retriable-header-names", "X-Try-Again,x-upstream-retry");
        assertThat(RetryConditions.retriable(on("retriable-headers"), req, 200, headers("x-try-again", "1"))).isTrue();
        assertThat(RetryConditions.retriable(on("retriable-headers"), req, 200, headers("x-other", "1"))).isFalse();
        assertThat(RetryConditions.retriable(on("retriable-headers"), headers(), 200, headers("x-try-again", "1"))).isFalse();
    }

    @Test
    void envoyRateLimitedRetriesWhatARateLimiterMarked() {
        assertThat(RetryConditions.retriable(on("envoy-ratelimited"), headers(), 429, headers("x-envoy-ratelimited", "true"))).isTrue();
        assertThat(RetryConditions.retriable(on("envoy-ratelimited"), headers(), 429, headers())).isFalse();
    }
}
