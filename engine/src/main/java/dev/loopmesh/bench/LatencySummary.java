package dev.loopmesh.bench;

import org.HdrHistogram.AbstractHistogram;

/**
 * Percentiles of one configuration's latencies, in microseconds (from a histogram of nanoseconds).
 *
 * @param count how many latencies the percentiles are taken from
 */
record LatencySummary(long count, double p50Us, double p90Us, double p99Us, double p999Us, double maxUs) {
    static final LatencySummary EMPTY = new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** HdrHistogram's percentiles (the value at or below which the given share of samples falls). */
    static LatencySummary ofNanos(AbstractHistogram h) {
        if (h.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySummary(h.getTotalCount(), us(h.getValueAtPercentile(50)), us(h.getValueAtPercentile(90)),
                us(h.getValueAtPercentile(99)), us(h.getValueAtPercentile(99.9)), us(h.getMaxValue()));
    }

    private static double us(long nanos) {
        return nanos / 1000.0;
    }

    /** This minus {@code base}, percentile by percentile: the latency a configuration adds to the floor. */
    LatencySummary minus(LatencySummary base) {
        return new LatencySummary(count, p50Us - base.p50Us, p90Us - base.p90Us, p99Us - base.p99Us, p999Us - base.p999Us,
                maxUs - base.maxUs);
    }
}
