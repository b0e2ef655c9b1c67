package dev.loopmesh.traffic;

import java.util.Map;

/**
 * One load client at one moment. Counts are totals since it started; rps and the percentiles cover the
 * recent window ({@code windowSeconds}), latency measured from each request's intended send time, all in
 * configured time.
 *
 * @param sent     requests written to a connection
 * @param dropped  requests not sent because the client had {@code maxInFlight} requests in flight
 *                 ("dropped (client saturated)")
 * @param errors   requests that got no response (connect failure, reset, client timeout)
 */
public record ClientStats(String name, double ratePerSecond, boolean paused, long sent, long completed, long dropped,
                          long errors, int inFlight, Map<Integer, Long> statuses, Map<String, Long> responseFlags,
                          Map<String, Long> errorReasons, double windowSeconds, double rps, double p50Ms, double p95Ms,
                          double p99Ms) {
    public ClientStats {
        statuses = Map.copyOf(statuses);
        responseFlags = Map.copyOf(responseFlags);
        errorReasons = Map.copyOf(errorReasons);
    }

    /** Responses with a 2xx status. */
    public long successes() {
        return statuses.entrySet().stream().filter(e -> e.getKey() >= 200 && e.getKey() < 300).mapToLong(Map.Entry::getValue).sum();
    }
}
