package dev.loopmesh.app.shell;

import dev.loopmesh.telemetry.RequestRecord;

import java.util.List;

/**
 * The answer to one request sent through the ingress from the app.
 *
 * @param status    0 when no response came
 * @param requestId the x-request-id it was sent with
 * @param trace     what each proxy logged for it (gateway, then each sidecar), oldest first
 */
public record ProbeResult(String path, int status, long millis, String body, String error, String requestId, List<RequestRecord> trace) {
    public ProbeResult {
        trace = List.copyOf(trace);
    }

    public ProbeResult(String path, int status, long millis, String body, String error) {
        this(path, status, millis, body, error, "", List.of());
    }

    public boolean ok() {
        return status > 0 && status < 500;
    }

    ProbeResult withTrace(List<RequestRecord> records) {
        return new ProbeResult(path, status, millis, body, error, requestId, records);
    }
}
