package dev.loopmesh.traffic;

import dev.loopmesh.workload.ServiceResolver;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Where a load client sends: an address asked for each request (so a pod pick can change), and the
 * {@code Host} header it names.
 */
public record TrafficTarget(Supplier<InetSocketAddress> address, String authority) {
    public TrafficTarget {
        requireNonNull(address, "address");
        requireNonNull(authority, "authority");
    }

    /** One fixed address, such as the ingress gateway's. */
    public static TrafficTarget fixed(InetSocketAddress address, String authority) {
        requireNonNull(address, "address");
        return new TrafficTarget(() -> address, authority);
    }

    /** A service's pods, as a client outside the mesh reaches them (the resolver picks one per request). */
    public static TrafficTarget service(ServiceResolver resolver, String service, String namespace, int port) {
        requireNonNull(resolver, "resolver");
        return new TrafficTarget(() -> resolver.resolve(service, namespace), service + ":" + port);
    }
}
