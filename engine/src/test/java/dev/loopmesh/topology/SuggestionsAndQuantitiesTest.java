package dev.loopmesh.topology;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SuggestionsAndQuantitiesTest {
    private static final List<String> KEYS = List.of("version", "replicas", "serviceAccount", "labels", "sidecar");

    @Test
    void suggestsTheNearestKeyOnlyWhenItIsClose() {
        assertThat(Suggestions.nearest("replica", KEYS)).contains("replicas");
        assertThat(Suggestions.nearest("serviceaccount", KEYS)).contains("serviceAccount");
        assertThat(Suggestions.nearest("lables", KEYS)).contains("labels");
        assertThat(Suggestions.nearest("timeout", KEYS)).isEmpty();
        assertThat(Suggestions.nearest("x", KEYS)).isEmpty();
        assertThat(Suggestions.didYouMean("verison", KEYS)).isEqualTo(" — did you mean `version`?");
    }

    @Test
    void ratesAreRequestsPerSecondPerMinuteOrPerHour() {
        assertThat(Quantities.ratePerSecond("20/s")).isEqualTo(20);
        assertThat(Quantities.ratePerSecond("20")).isEqualTo(20);
        assertThat(Quantities.ratePerSecond("1200/m")).isEqualTo(20);
        assertThat(Quantities.ratePerSecond("0.5/s")).isEqualTo(0.5);
        assertThat(Quantities.ratePerSecond("36/h")).isEqualTo(0.01);
        assertThatThrownBy(() -> Quantities.ratePerSecond("0/s")).hasMessageContaining("not a positive rate");
        assertThatThrownBy(() -> Quantities.ratePerSecond("fast")).hasMessage("`fast` is not a rate (expected: a rate > 0 like 20/s, 20, 1200/m or 0.5/s)");
    }

    @Test
    void sharesWeightsAndSizesParseWhatTheFormatDocumentSays() {
        assertThat(Quantities.share("10%")).isEqualTo(0.1);
        assertThat(Quantities.share("0.25")).isEqualTo(0.25);
        assertThatThrownBy(() -> Quantities.share("110%")).hasMessageContaining("out of range");
        assertThat(Quantities.weight("3")).isEqualTo(3);
        assertThat(Quantities.weight("20%")).isEqualTo(0.2);
        assertThatThrownBy(() -> Quantities.weight("-1")).hasMessageContaining("negative");
        assertThat(Quantities.bytes("512")).isEqualTo(512);
        assertThat(Quantities.bytes("2KiB")).isEqualTo(2048);
        assertThat(Quantities.bytes("1.5KB")).isEqualTo(1500);
        assertThat(Quantities.bytes("1MiB")).isEqualTo(1 << 20);
        assertThatThrownBy(() -> Quantities.bytes("1GiB")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Quantities.bytes("100MiB")).hasMessageContaining("too large");
    }
}
