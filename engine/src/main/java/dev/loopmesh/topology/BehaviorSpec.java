package dev.loopmesh.topology;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What an emulated workload does with a request: wait, call downstream, then answer.
 *
 * @param errorRate     share of requests answered with {@code errorStatus}, 0..1
 * @param responseBytes approximate size of the answer; the call tree is padded up to it (0 = no padding)
 * @param parallel      downstream calls run in parallel when true, in order when false
 * @param failOnCallError when a downstream call fails: true answers {@code callErrorStatus}, false degrades
 *                      (still answers 200 and shows the failed call in the tree), as Bookinfo's productpage does
 */
public record BehaviorSpec(LatencySpec latency, double errorRate, int errorStatus, int responseBytes,
                           Map<String, String> responseHeaders, List<CallSpec> calls, boolean parallel,
                           boolean failOnCallError, int callErrorStatus) {

    public static final BehaviorSpec DEFAULT = new BehaviorSpec(LatencySpec.ZERO, 0, 500, 0, Map.of(), List.of(), false, false, 500);

    public BehaviorSpec {
        requireNonNull(latency, "latency");
        if (errorRate < 0 || errorRate > 1) {
            throw new IllegalArgumentException("errorRate: " + errorRate + " (expected: 0..1)");
        }
        if (errorStatus < 100 || errorStatus > 599) {
            throw new IllegalArgumentException("errorStatus: " + errorStatus + " (expected: 100..599)");
        }
        if (callErrorStatus < 100 || callErrorStatus > 599) {
            throw new IllegalArgumentException("callErrorStatus: " + callErrorStatus + " (expected: 100..599)");
        }
        if (responseBytes < 0) {
            throw new IllegalArgumentException("responseBytes: " + responseBytes + " (expected: >= 0)");
        }
        responseHeaders = Map.copyOf(responseHeaders == null ? Map.of() : responseHeaders);
        calls = List.copyOf(calls == null ? List.of() : calls);
    }
}
