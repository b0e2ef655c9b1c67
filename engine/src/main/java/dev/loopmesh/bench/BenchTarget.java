package dev.loopmesh.bench;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * One configuration under test: where the client connects, what it sends, and how many proxy hops
 * stand between it and the app.
 *
 * @param hops             proxies on the path (0 for direct)
 * @param request          the exact bytes of one request
 * @param externalCpuNanos CPU time used so far by processes outside this JVM that serve this
 *                         configuration (HAProxy, nginx), 0 when it runs in the JVM
 * @param inJvm            whether its proxies run in this JVM (their CPU is the JVM's, less the client's)
 */
record BenchTarget(String name, String description, int hops, InetSocketAddress address, byte[] request,
                   LongSupplier externalCpuNanos, boolean inJvm) {

    /** An origin-form GET: what a client sends to a server or a reverse proxy. */
    static byte[] get(String authority, String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nUser-Agent: loopmesh-bench\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** An absolute-form GET: what an app sends to its HTTP proxy ({@code HTTP_PROXY}), here the sidecar's outbound listener. */
    static byte[] proxyGet(String authority, String path) {
        return ("GET http://" + authority + path + " HTTP/1.1\r\nHost: " + authority + "\r\nUser-Agent: loopmesh-bench\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
