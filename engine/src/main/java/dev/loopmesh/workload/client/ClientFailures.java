package dev.loopmesh.workload.client;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;

/** Short, user-facing reasons for transport failures, as an app would log them. */
public final class ClientFailures {
    private ClientFailures() {
    }

    public static String describe(Throwable t) {
        if (t instanceof UpstreamTimeoutException) {
            return "timeout";
        }
        if (t instanceof ConnectException) {
            String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            return m.contains("refused") ? "connection refused" : "connect failed: " + t.getMessage();
        }
        if (t instanceof ClosedChannelException || t instanceof UpstreamClosedException) {
            return "connection closed by upstream";
        }
        if (t instanceof io.netty.channel.ConnectTimeoutException) {
            return "connect timeout";
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    /** The upstream closed the connection before answering. */
    public static final class UpstreamClosedException extends java.io.IOException {
        public UpstreamClosedException() {
            super("connection closed by upstream");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
