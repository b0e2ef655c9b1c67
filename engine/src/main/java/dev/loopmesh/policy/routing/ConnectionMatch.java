package dev.loopmesh.policy.routing;

import dev.loopmesh.policy.authz.IpBlock;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an outbound TCP listener checks on a new connection before a route takes it (Envoy's
 * filter_chain_match, as istiod writes it from a VirtualService's tcp and tls match blocks): the SNI of the
 * TLS ClientHello ({@code sniHosts}), the address the app connected to ({@code destinationSubnets}) and the
 * address it connected from ({@code sourceSubnet}). An empty list checks nothing; all lists must hold, and
 * {@link TcpListenerRoutes#select} prefers the most specific chain as Envoy does.
 */
public record ConnectionMatch(List<String> sniHosts, List<IpBlock> destinationSubnets, List<IpBlock> sourceSubnets) {
    public static final ConnectionMatch ANY = new ConnectionMatch(List.of(), List.of(), List.of());

    public ConnectionMatch {
        List<String> lower = new ArrayList<>(sniHosts.size());
        for (String h : sniHosts) {
            lower.add(h.toLowerCase(Locale.ROOT));
        }
        sniHosts = List.copyOf(lower);
        destinationSubnets = List.copyOf(destinationSubnets);
        sourceSubnets = List.copyOf(sourceSubnets);
    }

    public boolean isAny() {
        return sniHosts.isEmpty() && destinationSubnets.isEmpty() && sourceSubnets.isEmpty();
    }

    /** {@code sni [a, b], destination [127.1.0.0/16]}, "" for {@link #ANY}. */
    public String describe() {
        List<String> parts = new ArrayList<>(3);
        if (!sniHosts.isEmpty()) {
            parts.add("sni " + sniHosts);
        }
        if (!destinationSubnets.isEmpty()) {
            parts.add("destination " + destinationSubnets);
        }
        if (!sourceSubnets.isEmpty()) {
            parts.add("source " + sourceSubnets);
        }
        return String.join(", ", parts);
    }
}
