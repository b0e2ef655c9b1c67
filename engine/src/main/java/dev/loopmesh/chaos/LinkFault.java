package dev.loopmesh.chaos;

import dev.loopmesh.internal.TimeScale;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What the active link faults do to traffic on one hop, composed and in real time (the time scale
 * applied), for the proxy's per-connection code: latencies add up, the narrowest bandwidth wins, reset
 * probabilities combine as independent draws, any partition blackholes the hop. Immutable.
 */
public final class LinkFault {
    public static final LinkFault NONE = new LinkFault(List.of(), false, List.of(), 0, new long[2], new boolean[2],
            new long[]{-1, -1}, new Slicer[2]);

    private record Latency(long nanos, long jitterNanos, Direction direction) {
    }

    /**
     * Toxiproxy's {@code slicer}: cut data into slices of {@code averageSize ± sizeVariation} bytes, written
     * {@code delayNanos} apart.
     */
    public record Slicer(int averageSize, int sizeVariation, long delayNanos) {
        /** The sizes of the slices of {@code length} bytes, in order; they add up to {@code length}. */
        public List<Integer> slices(int length, RandomGenerator random) {
            List<Integer> out = new ArrayList<>();
            int left = length;
            while (left > 0) {
                int size = averageSize + (sizeVariation == 0 ? 0 : random.nextInt(-sizeVariation, sizeVariation + 1));
                size = Math.min(left, Math.max(1, size));
                out.add(size);
                left -= size;
            }
            return out;
        }
    }

    private final List<String> chaosIds;
    private final boolean blackhole;
    private final List<Latency> latencies;
    private final double resetProbability;
    /** Real bytes per second by direction (request, response); 0 for no cap. */
    private final long[] bandwidth;
    private final boolean[] stalled;
    /** Close a stalled connection after this many nanoseconds; -1 to hold it until the fault ends. */
    private final long[] stallClose;
    private final Slicer[] slicers;

    private LinkFault(List<String> chaosIds, boolean blackhole, List<Latency> latencies, double resetProbability,
                      long[] bandwidth, boolean[] stalled, long[] stallClose, Slicer[] slicers) {
        this.chaosIds = List.copyOf(chaosIds);
        this.blackhole = blackhole;
        this.latencies = List.copyOf(latencies);
        this.resetProbability = resetProbability;
        this.bandwidth = bandwidth;
        this.stalled = stalled;
        this.stallClose = stallClose;
        this.slicers = slicers;
    }

    /** Composes the rules that act on one hop. */
    public static LinkFault of(List<LinkRule> rules, TimeScale scale) {
        if (rules.isEmpty()) {
            return NONE;
        }
        List<String> ids = new ArrayList<>();
        boolean blackhole = false;
        List<Latency> latencies = new ArrayList<>();
        double pass = 1;
        long[] bandwidth = new long[2];
        boolean[] stalled = new boolean[2];
        long[] stallClose = {-1, -1};
        Slicer[] slicers = new Slicer[2];
        for (LinkRule r : rules) {
            ids.add(r.chaosId());
            ChaosFault.LinkChaos f = r.fault();
            if (f instanceof ChaosFault.Partition) {
                blackhole = true;
            } else if (f instanceof ChaosFault.LinkLatency) {
                ChaosFault.LinkLatency l = (ChaosFault.LinkLatency) f;
                latencies.add(new Latency(scale.scaleNanos(l.latency()), scale.scaleNanos(l.jitter()), l.direction()));
            } else if (f instanceof ChaosFault.LinkReset) {
                pass *= 1 - ((ChaosFault.LinkReset) f).probability();
            } else if (f instanceof ChaosFault.LinkBandwidth) {
                ChaosFault.LinkBandwidth b = (ChaosFault.LinkBandwidth) f;
                // a cap of N bytes per configured second carries N / factor per real second
                long real = Math.max(1, Math.round(b.bytesPerSecond() / scale.factor()));
                for (int d = 0; d < 2; d++) {
                    if (b.direction().covers(direction(d)) && (bandwidth[d] == 0 || real < bandwidth[d])) {
                        bandwidth[d] = real;
                    }
                }
            } else if (f instanceof ChaosFault.LinkStall) {
                ChaosFault.LinkStall s = (ChaosFault.LinkStall) f;
                for (int d = 0; d < 2; d++) {
                    if (s.direction().covers(direction(d))) {
                        stalled[d] = true;
                        if (!s.timeout().isZero()) {
                            long close = scale.scaleNanos(s.timeout());
                            stallClose[d] = stallClose[d] < 0 ? close : Math.min(stallClose[d], close);
                        }
                    }
                }
            } else if (f instanceof ChaosFault.LinkSlicer) {
                ChaosFault.LinkSlicer s = (ChaosFault.LinkSlicer) f;
                for (int d = 0; d < 2; d++) {
                    if (s.direction().covers(direction(d)) && slicers[d] == null) {
                        slicers[d] = new Slicer(s.averageSize(), s.sizeVariation(), scale.scaleNanos(s.delay()));
                    }
                }
            }
        }
        return new LinkFault(ids, blackhole, latencies, 1 - pass, bandwidth, stalled, stallClose, slicers);
    }

    private static Direction direction(int i) {
        return i == 0 ? Direction.REQUEST : Direction.RESPONSE;
    }

    private static int index(Direction d) {
        if (d == Direction.BOTH) {
            throw new IllegalArgumentException("direction: BOTH (expected: REQUEST or RESPONSE)");
        }
        return d == Direction.REQUEST ? 0 : 1;
    }

    public boolean isNone() {
        return chaosIds.isEmpty();
    }

    /** The experiments acting on this hop, for the request's timeline and its access log entry. */
    public List<String> chaosIds() {
        return chaosIds;
    }

    /** A partition: a connection attempt must hang (and fail on its connect timeout, flag UF). */
    public boolean blackhole() {
        return blackhole;
    }

    /** How long to hold data going in direction {@code d}: each latency ± a uniform jitter, summed. */
    public long delayNanos(Direction d, RandomGenerator random) {
        Direction dir = direction(index(d));
        long total = 0;
        for (Latency l : latencies) {
            if (l.direction().covers(dir)) {
                long delay = l.nanos();
                if (l.jitterNanos() > 0) {
                    delay += random.nextLong(-l.jitterNanos(), l.jitterNanos() + 1);
                }
                total += Math.max(0, delay);
            }
        }
        return total;
    }

    /** Draws whether this request's connection is reset (one draw per request). */
    public boolean resetNow(RandomGenerator random) {
        return resetProbability > 0 && (resetProbability >= 1 || random.nextDouble() < resetProbability);
    }

    public double resetProbability() {
        return resetProbability;
    }

    /** A fresh pacer for one connection's data in direction {@code d}, or null when the bandwidth is not capped. */
    public BandwidthPacer pacer(Direction d) {
        long bps = bandwidth[index(d)];
        return bps == 0 ? null : new BandwidthPacer(bps);
    }

    /** Data in direction {@code d} does not flow at all. */
    public boolean stalled(Direction d) {
        return stalled[index(d)];
    }

    /** When to close a stalled connection, or -1 to hold it until the fault ends. */
    public long stallCloseAfterNanos(Direction d) {
        return stallClose[index(d)];
    }

    /** How to slice data in direction {@code d}, or null. */
    public Slicer slicer(Direction d) {
        return slicers[index(d)];
    }
}
