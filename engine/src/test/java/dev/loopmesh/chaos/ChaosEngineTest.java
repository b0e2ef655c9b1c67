package dev.loopmesh.chaos;

import dev.loopmesh.internal.TimeScale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChaosEngineTest {
    private static final long S = 1_000_000_000L;

    private final List<String> calls = new ArrayList<>();
    private final List<ChaosEvent> events = new ArrayList<>();
    private final List<List<LinkRule>> published = new ArrayList<>();
    private final FakeScheduler scheduler = new FakeScheduler();
    private ChaosEngine engine;

    private final PodControl pods = new PodControl() {
        @Override
        public void kill(String pod) {
            if (pod.equals("nope")) {
                throw new IllegalArgumentException("no pod `nope`");
            }
            calls.add(at() + " kill " + pod);
        }

        @Override
        public void start(String pod) {
            calls.add(at() + " start " + pod);
        }

        @Override
        public void pause(String pod) {
            calls.add(at() + " pause " + pod);
        }

        @Override
        public void resume(String pod) {
            calls.add(at() + " resume " + pod);
        }

        @Override
        public void refuse(String pod, boolean refuse) {
            calls.add(at() + (refuse ? " refuse " : " accept ") + pod);
        }
    };

    private String at() {
        return String.format("%.1fs", scheduler.now() / 1e9);
    }

    private ChaosEngine engine(TimeScale scale) {
        return new ChaosEngine(pods, published::add, scheduler, scale, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), events::add);
    }

    @BeforeEach
    void setUp() {
        engine = engine(TimeScale.REAL);
    }

    private static ChaosSpec spec(String id, long startSeconds, Long durationSeconds, ChaosFault fault) {
        return new ChaosSpec(id, Duration.ofSeconds(startSeconds), durationSeconds == null ? null : Duration.ofSeconds(durationSeconds), fault);
    }

    @Test
    void aScheduledKillStartsAndEndsAtItsTimesStretchedByTheTimeScale() {
        engine = engine(new TimeScale(0.1));
        engine.apply(spec("kill-ratings", 10, 20L, new ChaosFault.KillPod("ratings-v1-0")));
        assertThat(engine.active()).singleElement().extracting(ChaosState::state).isEqualTo(ChaosState.State.SCHEDULED);
        scheduler.advanceTo(10 * S);
        assertThat(calls).containsExactly("1.0s kill ratings-v1-0", "3.0s start ratings-v1-0");
        assertThat(events).extracting(ChaosEvent::type, ChaosEvent::detail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ChaosEvent.Type.STARTED, ""),
                        org.assertj.core.groups.Tuple.tuple(ChaosEvent.Type.ENDED, "duration elapsed"));
        assertThat(events.get(0).description()).isEqualTo("kill pod ratings-v1-0");
        assertThat(engine.active()).isEmpty();
    }

    @Test
    void overlappingKillsStartThePodOnlyWhenTheLastEnds() {
        engine.apply(spec("a", 0, 10L, new ChaosFault.KillPod("ratings-v1-0")));
        engine.apply(spec("b", 5, 10L, new ChaosFault.KillPod("ratings-v1-0")));
        scheduler.advanceTo(30 * S);
        assertThat(calls).containsExactly("0.0s kill ratings-v1-0", "15.0s start ratings-v1-0");
        assertThat(events).extracting(e -> e.id() + " " + e.type()).containsExactly("a STARTED", "b STARTED", "a ENDED", "b ENDED");
    }

    @Test
    void differentFaultsOnOnePodAreIndependent() {
        engine.apply(spec("pause", 0, 10L, new ChaosFault.PausePod("reviews-v2-0")));
        engine.apply(spec("refuse", 2, 2L, new ChaosFault.RefuseConnections("reviews-v2-0")));
        scheduler.advanceTo(20 * S);
        assertThat(calls).containsExactly("0.0s pause reviews-v2-0", "2.0s refuse reviews-v2-0", "4.0s accept reviews-v2-0",
                "10.0s resume reviews-v2-0");
    }

    @Test
    void aRestartStopsThePodAndStartsItAfterItsDowntime() {
        engine.apply(spec("r", 1, null, new ChaosFault.RestartPod("details-v1-0", Duration.ofSeconds(2))));
        scheduler.advanceTo(10 * S);
        assertThat(calls).containsExactly("1.0s kill details-v1-0", "3.0s start details-v1-0");
        assertThat(events.get(1).detail()).isEqualTo("restarted");
    }

    @Test
    void aRestartOfAKilledPodLeavesItKilled() {
        engine.apply(spec("k", 0, 10L, new ChaosFault.KillPod("details-v1-0")));
        engine.apply(spec("r", 1, null, new ChaosFault.RestartPod("details-v1-0", Duration.ZERO)));
        scheduler.advanceTo(5 * S);
        assertThat(calls).containsExactly("0.0s kill details-v1-0");
        scheduler.advanceTo(20 * S);
        assertThat(calls).containsExactly("0.0s kill details-v1-0", "10.0s start details-v1-0");
    }

    @Test
    void removeEndsAnActiveExperimentAndCallsOffAScheduledOne() {
        engine.apply(spec("now", 0, null, new ChaosFault.PausePod("ratings-v1-0")));
        engine.apply(spec("later", 60, null, new ChaosFault.KillPod("ratings-v1-0")));
        scheduler.advanceTo(S);
        assertThat(engine.remove("now")).isTrue();
        assertThat(engine.remove("later")).isTrue();
        assertThat(engine.remove("later")).isFalse();
        scheduler.advanceTo(120 * S);
        assertThat(calls).containsExactly("0.0s pause ratings-v1-0", "1.0s resume ratings-v1-0");
        assertThat(events).extracting(e -> e.id() + " " + e.type() + " " + e.detail())
                .containsExactly("now STARTED ", "now ENDED removed");
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void linkFaultsArePublishedAsOneSetOnEachChange() {
        engine.apply(spec("slow", 0, 10L, new ChaosFault.LinkLatency("reviews", "ratings", Duration.ofSeconds(2), null, null)));
        engine.apply(spec("cut", 5, 10L, new ChaosFault.Partition("productpage", "details")));
        scheduler.advanceTo(30 * S);
        assertThat(published).extracting(l -> l.stream().map(LinkRule::chaosId).toList())
                .containsExactly(List.of("slow"), List.of("slow", "cut"), List.of("cut"), List.of());
    }

    @Test
    void idsAreUniqueAndGeneratedWhenMissing() {
        assertThat(engine.apply(spec("", 0, null, new ChaosFault.PausePod("a")))).isEqualTo("chaos-1");
        assertThat(engine.apply(spec("", 0, null, new ChaosFault.PausePod("b")))).isEqualTo("chaos-2");
        engine.apply(spec("x", 0, null, new ChaosFault.PausePod("c")));
        assertThatThrownBy(() -> engine.apply(spec("x", 0, null, new ChaosFault.PausePod("d"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("`x` already exists");
    }

    @Test
    void aFaultTheMeshCannotApplyIsAFailedEventAndNotActive() {
        engine.apply(spec("bad", 0, 10L, new ChaosFault.KillPod("nope")));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(ChaosEvent.Type.FAILED);
            assertThat(e.detail()).isEqualTo("no pod `nope`");
        });
        assertThat(engine.active()).isEmpty();
        assertThat(engine.events(0)).hasSize(1);
    }

    @Test
    void closingTheEngineUndoesEverything() {
        engine.apply(spec("k", 0, null, new ChaosFault.KillPod("a")));
        engine.apply(spec("l", 0, null, new ChaosFault.LinkReset("x", "y", 1)));
        engine.apply(spec("later", 100, null, new ChaosFault.KillPod("b")));
        engine.close();
        assertThat(calls).containsExactly("0.0s kill a", "0.0s start a");
        assertThat(published.get(published.size() - 1)).isEmpty();
        assertThat(engine.active()).isEmpty();
        assertThat(scheduler.pending()).isZero();
    }
}
