package dev.loopmesh.policy.ratelimit;

import dev.loopmesh.internal.TimeScale;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LocalRateLimiterTest {
    private static final long S = 1_000_000_000L;

    @Test
    void checksTotalThenTheClientsOverrideElseItsIdentityLimit() {
        // linkerd2-proxy LocalRateLimit::check: total first, an override replaces the per-identity limit
        RateLimitConfig config = new RateLimitConfig("HTTPLocalRateLimitPolicy default/web", TokenBucketSpec.perSecond(20),
                TokenBucketSpec.perSecond(5), List.of(new RateLimitConfig.Override(Set.of("default/special"),
                TokenBucketSpec.perSecond(10))));
        LocalRateLimiter l = new LocalRateLimiter(config, TimeScale.REAL, 0);
        for (int i = 0; i < 5; i++) {
            assertThat(l.check("default/web", 0)).isEqualTo(LocalRateLimiter.Verdict.ALLOWED);
        }
        assertThat(l.check("default/web", 0)).isEqualTo(LocalRateLimiter.Verdict.PER_IDENTITY);
        for (int i = 0; i < 10; i++) {
            assertThat(l.check("default/special", 0).allowed()).isTrue();
        }
        assertThat(l.check("default/special", 0)).isEqualTo(LocalRateLimiter.Verdict.OVERRIDE);
        // 17 of the 20 total tokens are spent (refused requests spent theirs too)
        assertThat(l.check("default/other", 0).allowed()).isTrue();
        assertThat(l.check("default/other", 0).allowed()).isTrue();
        assertThat(l.check("default/other", 0).allowed()).isTrue();
        assertThat(l.check("default/other", 0)).isEqualTo(LocalRateLimiter.Verdict.TOTAL);
        assertThat(l.check("default/web", S).allowed()).isTrue();
    }

    @Test
    void callersWithoutAnIdentityShareOneBucket() {
        // Linkerd rate limiting doc: all unmeshed sources are treated as a single source
        RateLimitConfig config = new RateLimitConfig("p", null, TokenBucketSpec.perSecond(2), List.of());
        LocalRateLimiter l = new LocalRateLimiter(config, TimeScale.REAL, 0);
        assertThat(l.check(null, 0).allowed()).isTrue();
        assertThat(l.check(null, 0).allowed()).isTrue();
        assertThat(l.check(null, 0)).isEqualTo(LocalRateLimiter.Verdict.PER_IDENTITY);
        assertThat(l.check("default/a", 0).allowed()).isTrue();
    }
}
