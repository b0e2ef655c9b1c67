package dev.loopmesh.policy.resilience.outlier;

import dev.loopmesh.internal.TimeScale;
import dev.loopmesh.policy.resilience.OutlierSettings;
import dev.loopmesh.policy.routing.Endpoint;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class OutlierDetectorTest {
    private static final long S = 1_000_000_000L;

    private final List<OutlierEvent> events = new ArrayList<>();

    private static Endpoint ep(int i) {
        return new Endpoint("ratings-v1-" + i, "ratings-v1", "127.0.1." + i, 15006, Map.of("version", "v1"), true,
                "bookinfo-ratings", "default");
    }

    private static List<Endpoint> eps(int n) {
        return IntStream.range(0, n).mapToObj(OutlierDetectorTest::ep).collect(Collectors.toList());
    }

    private static OutlierSettings settings(int c5xx, int cGateway, int cLocal, boolean split, int maxEjection, int minHealth) {
        return new OutlierSettings(c5xx, cGateway, cLocal, split, Duration.ofSeconds(10), Duration.ofSeconds(30),
                maxEjection, minHealth);
    }

    private OutlierDetector detector(OutlierSettings s, List<Endpoint> endpoints) {
        return new OutlierDetector("outbound|9080||ratings.default.svc.cluster.local", s, endpoints, TimeScale.REAL,
                events::add, 0);
    }

    private static void fail(OutlierDetector d, Endpoint e, int status, int times, long now) {
        for (int i = 0; i < times; i++) {
            d.report(e, status, false, now);
        }
    }

    @Test
    void fiveConsecutive5xxEjectTheEndpointAtTheFifth() {
        // Envoy arch overview, consecutive 5xx: ejected when consecutive_5xx (Istio consecutive5xxErrors, default 5) is reached, inline
        OutlierDetector d = detector(OutlierSettings.ISTIO_DEFAULT, eps(3));
        fail(d, ep(0), 500, 4, S);
        assertThat(d.isEjected(ep(0), S)).isFalse();
        d.report(ep(0), 500, false, S);
        assertThat(d.isEjected(ep(0), S)).isTrue();
        assertThat(d.healthy(eps(3), S)).containsExactly(ep(1), ep(2));
    }

    @Test
    void aSuccessInBetweenResetsTheCount() {
        // Envoy putHttpResponseCode: a non-5xx answer resets the consecutive 5xx and gateway counters
        OutlierDetector d = detector(OutlierSettings.ISTIO_DEFAULT, eps(3));
        fail(d, ep(0), 503, 4, S);
        d.report(ep(0), 200, false, S);
        fail(d, ep(0), 503, 4, S);
        assertThat(d.isEjected(ep(0), S)).isFalse();
        assertThat(d.hosts().get(0).consecutive5xx()).isEqualTo(4);
        d.report(ep(0), 404, false, S);
        assertThat(d.hosts().get(0).consecutive5xx()).isZero();
    }

    @Test
    void consecutiveGatewayErrorsCountOnly502To504AndAnother5xxResetsThem() {
        // Envoy arch overview, consecutive gateway failure: 502, 503 or 504; Istio consecutiveGatewayErrors
        OutlierDetector d = detector(settings(0, 3, 0, false, 100, 0), eps(3));
        fail(d, ep(0), 502, 2, S);
        d.report(ep(0), 500, false, S);
        fail(d, ep(0), 504, 2, S);
        assertThat(d.isEjected(ep(0), S)).isFalse();
        d.report(ep(0), 503, false, S);
        assertThat(d.isEjected(ep(0), S)).isTrue();
        assertThat(events).singleElement().extracting(OutlierEvent::reason)
                .isEqualTo(OutlierEvent.Reason.CONSECUTIVE_GATEWAY_FAILURE);
    }

    @Test
    void aThresholdOfZeroTurnsItsDetectionOff() {
        // Istio: consecutive5xxErrors 0 disables 5xx ejection (enforcing_consecutive_5xx 0)
        OutlierDetector d = detector(settings(0, 0, 5, false, 100, 0), eps(2));
        fail(d, ep(0), 500, 50, S);
        assertThat(d.isEjected(ep(0), S)).isFalse();
    }

    @Test
    void localOriginFailuresCountAs5xxAndGatewayErrorsWhenNotSplit() {
        // Envoy arch overview: with split_external_local_origin_errors false, local-origin errors go to the same bucket as 5xx
        OutlierDetector d = detector(settings(5, 0, 2, false, 100, 0), eps(2));
        for (int i = 0; i < 3; i++) {
            d.report(ep(0), 503, true, S);
        }
        fail(d, ep(0), 500, 1, S);
        assertThat(d.isEjected(ep(0), S)).isFalse();
        d.report(ep(0), 504, true, S);
        assertThat(d.isEjected(ep(0), S)).isTrue();
        assertThat(events.get(0).reason()).isEqualTo(OutlierEvent.Reason.CONSECUTIVE_5XX);
    }

    @Test
    void splitModeCountsLocalOriginFailuresApartFrom5xx() {
        // Envoy arch overview: in split mode consecutive 5xx ignores local-origin errors; consecutive_local_origin_failure counts them
        OutlierDetector d = detector(settings(3, 0, 2, true, 100, 0), eps(3));
        fail(d, ep(0), 500, 2, S);
        d.report(ep(0), 503, true, S);
        assertThat(d.hosts().get(0).consecutive5xx()).isEqualTo(2);
        assertThat(d.isEjected(ep(0), S)).isFalse();
        d.report(ep(0), 503, true, S);
        assertThat(d.isEjected(ep(0), S)).isTrue();
        assertThat(events.get(0).reason()).isEqualTo(OutlierEvent.Reason.CONSECUTIVE_LOCAL_ORIGIN_FAILURE);

        // an answer (even a 500) means the connection worked: the local-origin count starts again
        d.report(ep(1), 503, true, S);
        d.report(ep(1), 500, false, S);
        d.report(ep(1), 503, true, S);
        assertThat(d.isEjected(ep(1), S)).isFalse();
    }

    @Test
    void anEjectedEndpointReturnsAtTheFirstSweepAfterBaseEjectionTime() {
        // Envoy arch overview: ejected for base_ejection_time × times ejected; returned at the interval sweep
        OutlierDetector d = detector(OutlierSettings.ISTIO_DEFAULT, eps(3));
        fail(d, ep(0), 500, 5, S);
        // ejected at 1s for 30s; sweeps at 10s, 20s, 30s, 40s: the one at 40s is the first after 31s
        assertThat(d.isEjected(ep(0), 39 * S)).isTrue();
        assertThat(d.nanosUntilNextSweep(39 * S)).isEqualTo(S);
        d.sweep(40 * S);
        assertThat(d.isEjected(ep(0), 40 * S)).isFalse();
        assertThat(events).extracting(OutlierEvent::type)
                .containsExactly(OutlierEvent.Type.EJECTED, OutlierEvent.Type.RETURNED);
        assertThat(events.get(1).nanos()).isEqualTo(40 * S);
        assertThat(events.get(1).ejectionCount()).isEqualTo(1);
    }

    @Test
    void aLateSweepStillReturnsTheEndpointAtItsTick() {
        OutlierDetector d = detector(OutlierSettings.ISTIO_DEFAULT, eps(3));
        fail(d, ep(0), 500, 5, S);
        // nobody swept; the next read catches up on the ticks it missed
        assertThat(d.isEjected(ep(0), 95 * S)).isFalse();
        assertThat(events.get(1).nanos()).isEqualTo(40 * S);
    }

    @Test
    void ejectionTimeGrowsWhenTheEndpointFailsAgainBeforeTheMultiplierDecays() {
        // Envoy arch overview: base_ejection_time × multiplier; the multiplier drops by one at each sweep that finds the host healthy
        OutlierDetector d = detector(OutlierSettings.ISTIO_DEFAULT, eps(3));
        fail(d, ep(0), 500, 5, S);
        d.sweep(40 * S);
        assertThat(d.isEjected(ep(0), 40 * S)).isFalse();
        // fails again before the 50s sweep: multiplier 2, ejected for 60s
        fail(d, ep(0), 500, 5, 41 * S);
        assertThat(events.get(2).ejectionTime()).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.isEjected(ep(0), 100 * S)).isTrue();
        assertThat(d.isEjected(ep(0), 110 * S)).isFalse();
        assertThat(events.get(3).nanos()).isEqualTo(110 * S);

        // healthy through the 120s sweep: multiplier down to 1, so the next ejection is the second step again
        assertThat(d.isEjected(ep(0), 120 * S)).isFalse();
        assertThat(d.hosts().get(0).multiplier()).isEqualTo(1);
        // and through the 130s sweep: down to 0, the next ejection lasts the base time
        assertThat(d.isEjected(ep(0), 130 * S)).isFalse();
        fail(d, ep(0), 500, 5, 131 * S);
        assertThat(events.get(4).ejectionTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(events.get(4).ejectionCount()).isEqualTo(3);
    }

    @Test
    void ejectionTimeStopsGrowingAtMaxEjectionTime() {
        // Envoy: capped by max_ejection_time, 300s by default (Istio does not set it)
        OutlierDetector d = detector(settings(1, 0, 0, false, 100, 0), eps(1));
        long now = 0;
        for (int i = 0; i < 13; i++) {
            // fails again right at its return, before a sweep can lower the multiplier
            d.report(ep(0), 500, false, now);
            now += events.get(events.size() - 1).ejectionTime().toNanos();
            d.sweep(now);
        }
        assertThat(events).filteredOn(e -> e.type() == OutlierEvent.Type.EJECTED)
                .extracting(OutlierEvent::ejectionTime).allMatch(t -> t.compareTo(Duration.ofSeconds(300)) <= 0)
                .contains(Duration.ofSeconds(300));
    }

    @Test
    void maxEjectionPercentStillLetsOneEndpointOfThreeBeEjected() {
        // Envoy OutlierDetection.max_ejection_percent: defaults to 10% but will eject at least one host regardless of the value
        OutlierDetector d = detector(OutlierSettings.ISTIO_DEFAULT, eps(3));
        fail(d, ep(0), 500, 5, S);
        fail(d, ep(1), 500, 5, S);
        assertThat(d.isEjected(ep(0), S)).isTrue();
        assertThat(d.isEjected(ep(1), S)).isFalse();
        assertThat(d.overflows()).isEqualTo(1);
        // the detection reset the counter: five more errors are needed to try again
        assertThat(d.hosts().get(1).consecutive5xx()).isZero();
    }

    @Test
    void maxEjectionPercentIsCheckedAgainstTheShareAlreadyEjected() {
        // Envoy ejectHost: eject while ejected_percent (before this one) < max_ejection_percent
        OutlierDetector d = detector(settings(1, 0, 0, false, 10, 0), eps(20));
        for (int i = 0; i < 3; i++) {
            d.report(ep(i), 500, false, S);
        }
        assertThat(d.ejectedCount()).isEqualTo(2);
    }

    @Test
    void withEveryEndpointEjectedNoneIsLeft() {
        // DESIGN.md / Envoy: all hosts ejected and no panic (Istio minHealthPercent 0): no healthy upstream, 503 UH
        OutlierDetector d = detector(settings(1, 0, 0, false, 100, 0), eps(2));
        d.report(ep(0), 500, false, S);
        d.report(ep(1), 500, false, S);
        HealthyHosts h = d.select(eps(2), S);
        assertThat(h.hosts()).isEmpty();
        assertThat(h.panic()).isFalse();
        assertThat(h.ejected()).isEqualTo(2);
    }

    @Test
    void belowMinHealthPercentEveryEndpointIsUsed() {
        // Istio minHealthPercent: below it outlier detection is disabled and the proxy balances across all hosts (Envoy panic threshold)
        OutlierDetector d = detector(settings(1, 0, 0, false, 100, 50), eps(4));
        d.report(ep(0), 500, false, S);
        d.report(ep(1), 500, false, S);
        assertThat(d.select(eps(4), S)).satisfies(h -> {
            assertThat(h.panic()).isFalse();
            assertThat(h.hosts()).containsExactly(ep(2), ep(3));
        });
        d.report(ep(2), 500, false, S);
        assertThat(d.select(eps(4), S)).satisfies(h -> {
            assertThat(h.panic()).isTrue();
            assertThat(h.hosts()).containsExactlyElementsOf(eps(4));
        });
    }

    @Test
    void eventsNameTheEndpointTheReasonAndTheConfiguredEjectionTime() {
        OutlierDetector d = new OutlierDetector("c", OutlierSettings.ISTIO_DEFAULT, eps(3), new TimeScale(0.1), events::add, 0);
        fail(d, ep(2), 500, 5, S);
        OutlierEvent e = events.get(0);
        assertThat(e.type()).isEqualTo(OutlierEvent.Type.EJECTED);
        assertThat(e.endpoint()).isEqualTo("127.0.1.2:15006");
        assertThat(e.pod()).isEqualTo("ratings-v1-2");
        assertThat(e.ejectionTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(e.describe()).contains("ratings-v1-2", "consecutive 5xx", "30s");
        // at time scale 0.1 the interval is 1s and the ejection 3s of real time: back at the 4s sweep
        assertThat(d.intervalNanos()).isEqualTo(S);
        assertThat(d.isEjected(ep(2), 3 * S + S / 2)).isTrue();
        assertThat(d.isEjected(ep(2), 4 * S)).isFalse();
    }

    @Test
    void aListenerThatThrowsDoesNotBreakTheDetector() {
        OutlierDetector d = new OutlierDetector("c", OutlierSettings.ISTIO_DEFAULT, eps(3), TimeScale.REAL,
                e -> { throw new IllegalStateException("boom"); }, 0);
        fail(d, ep(0), 500, 5, S);
        assertThat(d.isEjected(ep(0), S)).isTrue();
    }

    @Test
    void endpointsThatLeaveAreForgottenAndReportsForThemIgnored() {
        OutlierDetector d = detector(settings(1, 0, 0, false, 100, 0), eps(3));
        d.report(ep(0), 500, false, S);
        d.setEndpoints(List.of(ep(1), ep(2), ep(3)));
        assertThat(d.ejectedCount()).isZero();
        d.report(ep(0), 500, false, S);
        assertThat(d.hosts()).extracting(HostOutlierState::pod).containsExactly("ratings-v1-1", "ratings-v1-2", "ratings-v1-3");
        assertThat(d.isEjected(ep(0), S)).isFalse();
    }
}
