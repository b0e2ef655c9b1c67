package dev.loopmesh.workload;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What an emulated workload answers by default: who served the request, how it ended, and the same
 * for every downstream call it made, so any response shows the path it took.
 *
 * @param status        for the root, the status answered; for a call, what the caller got (0 = no response;
 *                      a call to a {@code tcp} service that read its line back: 200)
 * @param responseFlags for a call, the Envoy-style flags the caller's sidecar reported ("" when none)
 * @param error         why it failed, in the app's words ("" when it did not)
 */
public record CallTree(String service, String version, String pod, int status, double durationMs,
                       String responseFlags, String error, List<CallTree> calls) {
    public CallTree {
        requireNonNull(service, "service");
        version = version == null ? "" : version;
        pod = pod == null ? "" : pod;
        responseFlags = responseFlags == null ? "" : responseFlags;
        error = error == null ? "" : error;
        calls = List.copyOf(calls == null ? List.of() : calls);
    }

    /** This tree as a caller saw it: the caller's status, timing, flags and reason over the callee's identity. */
    CallTree asSeenByCaller(int status, double durationMs, String responseFlags, String error) {
        return new CallTree(service, version, pod, status, durationMs, responseFlags, error, calls);
    }

    public boolean succeeded() {
        return status >= 200 && status < 300;
    }
}
