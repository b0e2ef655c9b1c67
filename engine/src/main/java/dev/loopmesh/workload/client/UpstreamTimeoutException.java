package dev.loopmesh.workload.client;

import java.util.concurrent.TimeoutException;

/** The caller's timeout for one try fired before the response arrived; the connection was closed. */
public final class UpstreamTimeoutException extends TimeoutException {
    public UpstreamTimeoutException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // an expected outcome, not a bug: skip the stack walk
    }
}
