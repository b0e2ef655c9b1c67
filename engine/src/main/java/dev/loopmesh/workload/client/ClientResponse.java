package dev.loopmesh.workload.client;

import io.netty.handler.codec.http.HttpHeaders;

import static java.util.Objects.requireNonNull;

/** What came back: status, headers (read-only by convention) and the body as text ("" when not wanted). */
public record ClientResponse(int status, HttpHeaders headers, String body) {
    /** The header Loopmesh sidecars use to report Envoy's response flags to the app. */
    public static final String RESPONSE_FLAGS = "x-loopmesh-response-flags";

    public ClientResponse {
        requireNonNull(headers, "headers");
        requireNonNull(body, "body");
    }

    /** The response flags the caller's sidecar reported, "" when none. */
    public String responseFlags() {
        String flags = headers.get(RESPONSE_FLAGS);
        return flags == null ? "" : flags;
    }
}
