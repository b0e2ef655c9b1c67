package dev.loopmesh.workload;

import dev.loopmesh.topology.CallSpec;

import java.net.InetSocketAddress;

/** Where an emulated app sends a downstream call, and the {@code Host} it names. */
public interface OutboundTarget {
    /** @return where to connect, or null when the service has no endpoint */
    InetSocketAddress address(CallSpec call);

    /** The {@code Host} header: {@code reviews:9080}, or {@code reviews.other:9080} across namespaces. */
    String authority(CallSpec call);

    /** Whether the called service is {@code protocol: tcp}: the app then opens a raw connection, no HTTP. */
    default boolean tcp(CallSpec call) {
        return false;
    }
}
