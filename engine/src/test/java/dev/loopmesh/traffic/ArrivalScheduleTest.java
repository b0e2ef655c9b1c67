package dev.loopmesh.traffic;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Open-loop arrivals on a fake clock (nanoseconds passed in). */
class ArrivalScheduleTest {
    private static final long MS = 1_000_000;

    @Test
    void requestsAreDueAtStartPlusIOverRate() {
        ArrivalSchedule s = new ArrivalSchedule(1_000 * MS, ArrivalSchedule.periodOf(100)); // every 10 ms
        List<Long> fired = new ArrayList<>();

        s.drain(1_000 * MS, 1000, fired::add);
        s.drain(1_025 * MS, 1000, fired::add);

        assertThat(fired).containsExactly(1_000 * MS, 1_010 * MS, 1_020 * MS);
        assertThat(s.nextDue()).isEqualTo(1_030 * MS);
    }

    @Test
    void aLateTickSendsEveryOverdueRequestWithItsIntendedTime() {
        // the loop was busy for a second: the requests are still owed, stamped with when they were due,
        // so the latency they see includes the stall (no coordinated omission)
        ArrivalSchedule s = new ArrivalSchedule(0, ArrivalSchedule.periodOf(100));
        List<Long> fired = new ArrayList<>();

        int n = s.drain(1_000 * MS, 1000, fired::add);

        assertThat(n).isEqualTo(101);
        assertThat(fired.get(50)).isEqualTo(500 * MS);
    }

    @Test
    void aFractionalRateKeepsItsAverage() {
        ArrivalSchedule s = new ArrivalSchedule(0, ArrivalSchedule.periodOf(3)); // 333.33 ms
        assertThat(s.drain(10_000 * MS, 1000, t -> { })).isEqualTo(31);
    }

    @Test
    void aBurstIsCappedAndTheRestFollowsOnTheNextDrain() {
        ArrivalSchedule s = new ArrivalSchedule(0, ArrivalSchedule.periodOf(1000));
        assertThat(s.drain(1_000 * MS, 300, t -> { })).isEqualTo(300);
        assertThat(s.drain(1_000 * MS, 1000, t -> { })).isEqualTo(701);
    }

    @Test
    void aNewRateStartsWithoutABurst() {
        ArrivalSchedule s = new ArrivalSchedule(0, ArrivalSchedule.periodOf(1)); // every second
        s.drain(0, 10, t -> { }); // the first at 0; next due at 1 s

        s.changePeriod(100 * MS, ArrivalSchedule.periodOf(100)); // 10 ms from 100 ms on

        assertThat(s.nextDue()).isEqualTo(110 * MS);
        assertThat(s.drain(200 * MS, 1000, t -> { })).isEqualTo(10);
    }

    @Test
    void afterAPauseTheMissedRequestsAreNotOwed() {
        ArrivalSchedule s = new ArrivalSchedule(0, ArrivalSchedule.periodOf(100));
        s.drain(0, 10, t -> { });

        s.restartAt(5_000 * MS);

        assertThat(s.drain(5_000 * MS, 1000, t -> { })).isEqualTo(1);
    }

    @Test
    void aRateMustBePositive() {
        assertThatThrownBy(() -> ArrivalSchedule.periodOf(0)).hasMessage("rate: 0.0 (expected: > 0)");
    }
}
