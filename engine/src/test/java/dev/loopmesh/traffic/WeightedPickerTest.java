package dev.loopmesh.traffic;

import dev.loopmesh.topology.TrafficClientSpec.Weighted;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class WeightedPickerTest {
    @Test
    void aHeaderMixFollowsItsWeights() {
        // DESIGN.md's browsers: 20 % end-user: jason, 80 % no header
        WeightedPicker picker = new WeightedPicker(List.of(new Weighted("jason", 0.2), new Weighted("", 0.8)));
        SplittableRandom random = new SplittableRandom(2024);
        int jason = 0;
        for (int i = 0; i < 10_000; i++) {
            jason += picker.pick(random).equals("jason") ? 1 : 0;
        }
        assertThat(jason).isBetween(1_850, 2_150);
    }

    @Test
    void weightsAreRelativeAndZeroWeightsAreNeverPicked() {
        WeightedPicker picker = new WeightedPicker(List.of(new Weighted("/a", 3), new Weighted("/never", 0), new Weighted("/b", 1)));
        SplittableRandom random = new SplittableRandom(1);
        int a = 0;
        for (int i = 0; i < 4_000; i++) {
            String p = picker.pick(random);
            assertThat(p).isNotEqualTo("/never");
            a += p.equals("/a") ? 1 : 0;
        }
        assertThat(a).isBetween(2_850, 3_150);
    }

    @Test
    void theSameSeedPicksTheSameSequence() {
        WeightedPicker picker = new WeightedPicker(List.of(new Weighted("x", 1), new Weighted("y", 1), new Weighted("z", 1)));
        SplittableRandom r1 = new SplittableRandom(5);
        SplittableRandom r2 = new SplittableRandom(5);
        for (int i = 0; i < 100; i++) {
            assertThat(picker.pick(r1)).isEqualTo(picker.pick(r2));
        }
    }

    @Test
    void aSingleValueOrAllZeroWeightsPickTheFirst() {
        assertThat(new WeightedPicker(List.of(new Weighted("/only", 1))).pick(new SplittableRandom(1))).isEqualTo("/only");
        assertThat(new WeightedPicker(List.of(new Weighted("/a", 0), new Weighted("/b", 0))).pick(new SplittableRandom(1))).isEqualTo("/a");
    }
}
