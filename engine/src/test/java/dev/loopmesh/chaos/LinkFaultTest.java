package dev.loopmesh.chaos;

import dev.loopmesh.internal.TimeScale;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class LinkFaultTest {
    private static final long MS = 1_000_000L;
    private static final LinkPeer REVIEWS_V2 = new LinkPeer("reviews", "reviews-v2", "reviews-v2-0");
    private static final LinkPeer RATINGS = new LinkPeer("ratings", "ratings-v1", "ratings-v1-0");
    private static final LinkPeer DETAILS = new LinkPeer("details", "details-v1", "details-v1-0");

    private static LinkFault fault(TimeScale scale, ChaosFault.LinkChaos... faults) {
        LinkFaultTable t = new LinkFaultTable(scale);
        List<LinkRule> rules = new java.util.ArrayList<>();
        for (int i = 0; i < faults.length; i++) {
            rules.add(new LinkRule("c" + i, faults[i]));
        }
        t.set(rules);
        return t.lookup(REVIEWS_V2, RATINGS);
    }

    @Test
    void latencyIsUniformWithinJitterAndOnlyInItsDirection() {
        // Toxiproxy latency toxic: latency ± jitter; default stream downstream (the response)
        LinkFault f = fault(TimeScale.REAL, new ChaosFault.LinkLatency("reviews-v2", "ratings", Duration.ofMillis(100),
                Duration.ofMillis(20), null));
        Random r = new Random(7);
        for (int i = 0; i < 1000; i++) {
            assertThat(f.delayNanos(Direction.RESPONSE, r)).isBetween(80 * MS, 120 * MS);
        }
        assertThat(f.delayNanos(Direction.REQUEST, r)).isZero();
    }

    @Test
    void latenciesOnOneLinkAddUpAndRunOnTheTimeScale() {
        LinkFault f = fault(new TimeScale(0.1),
                new ChaosFault.LinkLatency("reviews", "ratings", Duration.ofSeconds(2), null, Direction.BOTH),
                new ChaosFault.LinkLatency("*", "ratings-v1-0", Duration.ofSeconds(1), null, Direction.REQUEST));
        assertThat(f.delayNanos(Direction.REQUEST, new Random())).isEqualTo(300 * MS);
        assertThat(f.delayNanos(Direction.RESPONSE, new Random())).isEqualTo(200 * MS);
        assertThat(f.chaosIds()).containsExactly("c0", "c1");
    }

    @Test
    void aFaultActsOnlyOnItsLinkAndDirectionButAPartitionBothWays() {
        LinkFaultTable t = new LinkFaultTable(TimeScale.REAL);
        t.set(List.of(new LinkRule("slow", new ChaosFault.LinkLatency("reviews", "ratings", Duration.ofSeconds(1), null, null)),
                new LinkRule("cut", new ChaosFault.Partition("ratings", "details"))));
        assertThat(t.lookup(RATINGS, REVIEWS_V2).isNone()).isTrue();
        assertThat(t.lookup(REVIEWS_V2, RATINGS).blackhole()).isFalse();
        assertThat(t.lookup(RATINGS, DETAILS).blackhole()).isTrue();
        assertThat(t.lookup(DETAILS, RATINGS).blackhole()).isTrue();
        t.set(List.of());
        assertThat(t.lookup(DETAILS, RATINGS)).isSameAs(LinkFault.NONE);
    }

    @Test
    void resetProbabilitiesCombineAsIndependentDraws() {
        LinkFault f = fault(TimeScale.REAL, new ChaosFault.LinkReset("reviews", "ratings", 0.5),
                new ChaosFault.LinkReset("reviews", "ratings", 0.5));
        assertThat(f.resetProbability()).isEqualTo(0.75);
        Random r = new Random(1);
        int resets = 0;
        for (int i = 0; i < 10_000; i++) {
            resets += f.resetNow(r) ? 1 : 0;
        }
        assertThat(resets).isBetween(7300, 7700);
        assertThat(fault(TimeScale.REAL, new ChaosFault.LinkReset("reviews", "ratings", 1)).resetNow(r)).isTrue();
    }

    @Test
    void theBandwidthPacerHoldsEachChunkForItsTransmissionTime() {
        // Toxiproxy bandwidth toxic: rate limit per connection; the narrowest cap wins
        LinkFault f = fault(TimeScale.REAL, new ChaosFault.LinkBandwidth("reviews", "ratings", 1000, null),
                new ChaosFault.LinkBandwidth("reviews", "ratings", 2000, Direction.BOTH));
        BandwidthPacer p = f.pacer(Direction.RESPONSE);
        assertThat(p.bytesPerSecond()).isEqualTo(1000);
        assertThat(p.reserve(500, 0)).isEqualTo(500 * MS);
        assertThat(p.reserve(500, 100 * MS)).isEqualTo(900 * MS);
        // an idle link starts afresh
        assertThat(p.reserve(100, 5000 * MS)).isEqualTo(100 * MS);
        assertThat(f.pacer(Direction.REQUEST).bytesPerSecond()).isEqualTo(2000);
        // at time scale 0.1 a configured second is 0.1 s: ten times the bytes per real second
        assertThat(fault(new TimeScale(0.1), new ChaosFault.LinkBandwidth("reviews", "ratings", 1000, null))
                .pacer(Direction.RESPONSE).bytesPerSecond()).isEqualTo(10_000);
    }

    @Test
    void aStallHoldsDataAndMayCloseTheConnection() {
        // Toxiproxy timeout toxic: stops data; closes after timeout, or never when it is 0
        LinkFault f = fault(TimeScale.REAL, new ChaosFault.LinkStall("reviews", "ratings", Duration.ofSeconds(5), Direction.REQUEST));
        assertThat(f.stalled(Direction.REQUEST)).isTrue();
        assertThat(f.stalled(Direction.RESPONSE)).isFalse();
        assertThat(f.stallCloseAfterNanos(Direction.REQUEST)).isEqualTo(5000 * MS);
        LinkFault forever = fault(TimeScale.REAL, new ChaosFault.LinkStall("reviews", "ratings", null, null));
        assertThat(forever.stallCloseAfterNanos(Direction.RESPONSE)).isEqualTo(-1);
    }

    @Test
    void slicesAddUpToTheDataAndStayWithinTheVariation() {
        // Toxiproxy slicer toxic: average_size ± size_variation, delay between slices
        LinkFault f = fault(TimeScale.REAL, new ChaosFault.LinkSlicer("reviews", "ratings", 64, 16, Duration.ofMillis(10), null));
        LinkFault.Slicer s = f.slicer(Direction.RESPONSE);
        assertThat(s.delayNanos()).isEqualTo(10 * MS);
        List<Integer> slices = s.slices(10_000, new Random(3));
        assertThat(slices.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10_000);
        assertThat(slices.subList(0, slices.size() - 1)).allMatch(n -> n >= 48 && n <= 80);
        assertThat(f.slicer(Direction.REQUEST)).isNull();
    }
}
