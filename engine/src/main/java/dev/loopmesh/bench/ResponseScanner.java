package dev.loopmesh.bench;

import io.netty.buffer.ByteBuf;

/**
 * Finds the ends of HTTP/1.1 responses in a byte stream without building message objects: the status
 * line and headers are copied into one reused array (a few hundred bytes), the body is only counted.
 * What the bench client needs, and no more: it keeps the client cheap, so the client is not what a
 * run measures. Supports Content-Length bodies only (every server and proxy in the bench sends them).
 */
final class ResponseScanner {
    /** Receives each complete response's status code. */
    interface Sink {
        void response(int status);
    }

    static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] header = new byte[512];
    private int headerLength;
    private long bodyRemaining = -1;
    private int status;

    /**
     * Consumes all readable bytes of {@code in} (without releasing it) and reports each response that ends.
     *
     * @throws IllegalStateException on bytes that are not an HTTP/1.1 response with a Content-Length
     */
    void feed(ByteBuf in, Sink sink) {
        int i = in.readerIndex();
        int end = in.writerIndex();
        while (i < end) {
            if (bodyRemaining < 0) {
                byte b = in.getByte(i++);
                if (headerLength == header.length) {
                    if (header.length >= MAX_HEADER_BYTES) {
                        throw new IllegalStateException("response headers longer than " + MAX_HEADER_BYTES + " bytes");
                    }
                    header = java.util.Arrays.copyOf(header, header.length * 2);
                }
                header[headerLength++] = b;
                if (b == '\n' && headerLength >= 4 && header[headerLength - 2] == '\r' && header[headerLength - 3] == '\n'
                        && header[headerLength - 4] == '\r') {
                    parseHeader();
                    headerLength = 0;
                    if (bodyRemaining == 0) {
                        bodyRemaining = -1;
                        sink.response(status);
                    }
                }
            } else {
                int n = (int) Math.min(bodyRemaining, end - i);
                i += n;
                bodyRemaining -= n;
                if (bodyRemaining == 0) {
                    bodyRemaining = -1;
                    sink.response(status);
                }
            }
        }
        in.readerIndex(end);
    }

    /** Whether the stream stands between two responses. */
    boolean idle() {
        return bodyRemaining < 0 && headerLength == 0;
    }

    private void parseHeader() {
        // "HTTP/1.1 200 OK\r\n..."
        if (headerLength < 12 || header[0] != 'H' || header[4] != '/') {
            throw new IllegalStateException("not an HTTP response: " + new String(header, 0, Math.min(headerLength, 40),
                    java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        status = (header[9] - '0') * 100 + (header[10] - '0') * 10 + (header[11] - '0');
        long length = -1;
        int line = indexOfLineEnd(0) + 2;
        while (line < headerLength - 2) {
            int eol = indexOfLineEnd(line);
            if (startsWithIgnoreCase(line, CONTENT_LENGTH)) {
                length = parseLong(line + CONTENT_LENGTH.length, eol);
            }
            line = eol + 2;
        }
        if (length < 0) {
            throw new IllegalStateException("response without Content-Length (status " + status + ")");
        }
        bodyRemaining = length;
    }

    private int indexOfLineEnd(int from) {
        for (int i = from; i < headerLength - 1; i++) {
            if (header[i] == '\r' && header[i + 1] == '\n') {
                return i;
            }
        }
        return headerLength;
    }

    private boolean startsWithIgnoreCase(int at, byte[] lowerPrefix) {
        if (at + lowerPrefix.length > headerLength) {
            return false;
        }
        for (int k = 0; k < lowerPrefix.length; k++) {
            byte c = header[at + k];
            if (c >= 'A' && c <= 'Z') {
                c = (byte) (c + 32);
            }
            if (c != lowerPrefix[k]) {
                return false;
            }
        }
        return true;
    }

    private long parseLong(int from, int to) {
        long v = 0;
        boolean digits = false;
        for (int i = from; i < to; i++) {
            byte c = header[i];
            if (c >= '0' && c <= '9') {
                v = v * 10 + (c - '0');
                digits = true;
            } else if (c != ' ' && c != '\t') {
                throw new IllegalStateException("bad Content-Length");
            }
        }
        if (!digits) {
            throw new IllegalStateException("empty Content-Length");
        }
        return v;
    }
}
