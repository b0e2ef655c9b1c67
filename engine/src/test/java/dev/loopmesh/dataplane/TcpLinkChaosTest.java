package dev.loopmesh.dataplane;

import dev.loopmesh.chaos.ChaosFault;
import dev.loopmesh.chaos.Direction;
import dev.loopmesh.chaos.LinkFault;
import dev.loopmesh.chaos.LinkRule;
import dev.loopmesh.internal.TimeScale;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TcpLinkChaosTest {
    private static TcpLinkChaos chaos(ChaosFault.LinkChaos fault) {
        return new TcpLinkChaos(LinkFault.of(List.of(new LinkRule("t", fault)), TimeScale.REAL), new SplittableRandom(7));
    }

    private static List<String> drain(EmbeddedChannel target) {
        List<String> out = new ArrayList<>();
        for (ByteBuf b; (b = target.readOutbound()) != null; ) {
            out.add(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return out;
    }

    @Test
    void jitterLargerThanTheGapBetweenChunksNeverReordersThem() {
        // Toxiproxy latency keeps the stream a stream: jitter delays chunks, it does not swap them
        TcpLinkChaos c = chaos(new ChaosFault.LinkLatency("a", "b", Duration.ofMillis(20), Duration.ofMillis(19), Direction.REQUEST));
        EmbeddedChannel source = new EmbeddedChannel();
        EmbeddedChannel target = new EmbeddedChannel();
        TcpLinkChaos.Lane lane = c.lane(Direction.REQUEST, source, target);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sent.add("chunk" + i + ";");
            lane.offer(Unpooled.copiedBuffer(sent.get(i), StandardCharsets.US_ASCII));
        }
        List<String> got = new ArrayList<>();
        await().untilAsserted(() -> {
            source.runScheduledPendingTasks();
            got.addAll(drain(target));
            assertThat(got).hasSize(30);
        });
        assertThat(got).containsExactlyElementsOf(sent);
        source.finishAndReleaseAll();
        target.finishAndReleaseAll();
    }

    @Test
    void slicesComeOutInOrderAndWhatIsHeldIsReleasedWhenTheTargetGoes() {
        TcpLinkChaos c = chaos(new ChaosFault.LinkSlicer("a", "b", 4, 1, Duration.ofMillis(5), Direction.RESPONSE));
        EmbeddedChannel source = new EmbeddedChannel();
        EmbeddedChannel target = new EmbeddedChannel();
        TcpLinkChaos.Lane lane = c.lane(Direction.RESPONSE, source, target);
        lane.offer(Unpooled.copiedBuffer("abcdefghijklmnopqrstuvwxyz", StandardCharsets.US_ASCII));
        StringBuilder got = new StringBuilder();
        List<String> slices = new ArrayList<>();
        await().untilAsserted(() -> {
            source.runScheduledPendingTasks();
            for (String s : drain(target)) {
                slices.add(s);
                got.append(s);
            }
            assertThat(got).hasToString("abcdefghijklmnopqrstuvwxyz");
        });
        assertThat(slices).hasSizeGreaterThan(4).allSatisfy(s -> assertThat(s.length()).isBetween(3, 5));
        // held data is released when the target is gone (the leak detector is paranoid in tests)
        ByteBuf held = Unpooled.copiedBuffer("held", StandardCharsets.US_ASCII);
        lane.offer(held);
        lane.discard();
        assertThat(drain(target)).hasSize(1); // the first slice left at once, the rest was held
        assertThat(held.refCnt()).isZero();
        source.finishAndReleaseAll();
        target.finishAndReleaseAll();
    }
}
