package dev.loopmesh.topology;

import static java.util.Objects.requireNonNull;

/** A real process the user runs, reached at host:port and meshed through its sidecar. */
public record ExternalSpec(String host, int port) {
    public ExternalSpec {
        requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
    }
}
