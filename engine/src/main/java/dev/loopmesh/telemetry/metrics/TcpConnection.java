package dev.loopmesh.telemetry.metrics;

import io.micrometer.core.instrument.Counter;

/**
 * One TCP connection's meters, handed out by {@link IstioMetrics#tcpOpened}. The proxy keeps it on the
 * connection and calls {@link #sent}/{@link #received} as bytes pass and {@link #closed} once.
 */
public final class TcpConnection {
    private final Counter sent;
    private final Counter received;
    private final Counter closedCounter;
    private boolean closed;

    TcpConnection(Counter sent, Counter received, Counter closedCounter) {
        this.sent = sent;
        this.received = received;
        this.closedCounter = closedCounter;
    }

    /** Bytes sent back to the downstream (Istio: "sent during response"). */
    public void sent(long bytes) {
        if (bytes > 0) {
            sent.increment(bytes);
        }
    }

    /** Bytes received from the downstream (Istio: "received during request"). */
    public void received(long bytes) {
        if (bytes > 0) {
            received.increment(bytes);
        }
    }

    /** Counts the close once; later calls do nothing. Call it on the connection's event loop. */
    public void closed() {
        if (!closed) {
            closed = true;
            closedCounter.increment();
        }
    }
}
