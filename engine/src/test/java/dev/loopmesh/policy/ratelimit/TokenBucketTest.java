package dev.loopmesh.policy.ratelimit;

import dev.loopmesh.internal.TimeScale;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBucketTest {
    private static final long S = 1_000_000_000L;
    private static final TokenBucketSpec FOUR_PER_MINUTE = new TokenBucketSpec(4, 4, Duration.ofMinutes(1));

    @Test
    void aFourPerMinuteLimitRefusesTheFifthRequestAndRefillsAfterAMinute() {
        // Envoy local_ratelimit token_bucket: starts with max_tokens; tokens_per_fill added every fill_interval
        TokenBucket b = new TokenBucket(FOUR_PER_MINUTE, TimeScale.REAL, 0);
        for (int i = 0; i < 4; i++) {
            assertThat(b.tryAcquire(i * S)).isTrue();
        }
        assertThat(b.tryAcquire(5 * S)).isFalse();
        assertThat(b.tryAcquire(59 * S)).isFalse();
        assertThat(b.nanosUntilToken(59 * S)).isEqualTo(S);
        for (int i = 0; i < 4; i++) {
            assertThat(b.tryAcquire(60 * S)).isTrue();
        }
        assertThat(b.tryAcquire(61 * S)).isFalse();
    }

    @Test
    void fillsHappenAtTicksAndNeverOverfillTheBucket() {
        // Envoy: the bucket never holds more than max_tokens
        TokenBucket b = new TokenBucket(new TokenBucketSpec(3, 1, Duration.ofSeconds(1)), TimeScale.REAL, 0);
        assertThat(b.tryAcquire(0)).isTrue();
        assertThat(b.tryAcquire(0)).isTrue();
        assertThat(b.tryAcquire(0)).isTrue();
        assertThat(b.tryAcquire(S - 1)).isFalse();
        assertThat(b.tryAcquire(S)).isTrue();
        assertThat(b.available(1000 * S)).isEqualTo(3);
        assertThat(b.available(Long.MAX_VALUE / 2)).isEqualTo(3);
    }

    @Test
    void theFillIntervalRunsOnTheTimeScale() {
        TokenBucket b = new TokenBucket(FOUR_PER_MINUTE, new TimeScale(0.1), 0);
        for (int i = 0; i < 4; i++) {
            b.tryAcquire(0);
        }
        assertThat(b.tryAcquire(5 * S)).isFalse();
        assertThat(b.tryAcquire(6 * S)).isTrue();
    }

    @Test
    void linkerdRequestsPerSecondIsABurstOfRpsRefilledOneByOne() {
        // Linkerd rate limiting: GCRA derived from requestsPerSecond (governor Quota::per_second: burst = rps)
        TokenBucketSpec spec = TokenBucketSpec.perSecond(10);
        assertThat(spec).isEqualTo(new TokenBucketSpec(10, 1, Duration.ofMillis(100)));
        TokenBucket b = new TokenBucket(spec, TimeScale.REAL, 0);
        for (int i = 0; i < 10; i++) {
            assertThat(b.tryAcquire(0)).isTrue();
        }
        assertThat(b.tryAcquire(S / 20)).isFalse();
        assertThat(b.tryAcquire(S / 10)).isTrue();
    }

    @Test
    void specArgumentsSayNameValueAndExpectation() {
        assertThatThrownBy(() -> new TokenBucketSpec(0, 1, Duration.ofSeconds(1)))
                .hasMessage("maxTokens: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new TokenBucketSpec(1, 1, Duration.ZERO)).hasMessageContaining("fillInterval");
    }
}
