package dev.loopmesh.policy.routing;

import dev.loopmesh.policy.authz.IpBlock;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

import static java.util.Objects.requireNonNull;

/**
 * The routes of one outbound TCP listener (Envoy's filter chains on Istio's {@code 0.0.0.0_<port>} listener),
 * in the order istiod writes them: the {@code tls} rules' chains, the {@code tcp} rules', the default route.
 * A connection takes the chain Envoy's filter_chain_match picks: the most specific destination address
 * (longest matching prefix; chains without one are the fallback), then the server name (exact, then the
 * longest wildcard, then chains without names; a connection without SNI only fits the latter), then the most
 * specific source address; on a tie the first in order. None left is Envoy's "no matching filter chain": the
 * connection closes (NR).
 *
 * @param service the {@link TcpRoute#key service key} the listener is for
 */
public record TcpListenerRoutes(String service, List<TcpRoute> routes) {
    private static final int NO_MATCH = -1;

    public TcpListenerRoutes {
        requireNonNull(service, "service");
        routes = List.copyOf(routes);
    }

    /** Whether some route matches on SNI, so the listener reads the ClientHello before it routes. */
    public boolean inspectsSni() {
        return routes.stream().anyMatch(r -> !r.match().sniHosts().isEmpty());
    }

    /** The route for a connection with this SNI ("" without TLS) and addresses, or null when none fits. */
    public TcpRoute select(String sni, String destinationIp, String sourceIp) {
        List<TcpRoute> left = best(routes, r -> prefix(r.match().destinationSubnets(), destinationIp));
        left = best(left, r -> serverName(r.match().sniHosts(), sni));
        left = best(left, r -> prefix(r.match().sourceSubnets(), sourceIp));
        return left.isEmpty() ? null : left.get(0);
    }

    /** The routes with the highest score, in order; those scoring {@link #NO_MATCH} never. */
    private static List<TcpRoute> best(List<TcpRoute> in, ToIntFunction<TcpRoute> score) {
        int top = NO_MATCH;
        List<TcpRoute> out = new ArrayList<>(in.size());
        for (TcpRoute r : in) {
            int s = score.applyAsInt(r);
            if (s > top) {
                top = s;
                out.clear();
            }
            if (s == top && s != NO_MATCH) {
                out.add(r);
            }
        }
        return out;
    }

    /** 0 without blocks (the fallback), 1 + the longest matching prefix, or NO_MATCH. */
    private static int prefix(List<IpBlock> blocks, String ip) {
        if (blocks.isEmpty()) {
            return 0;
        }
        int best = NO_MATCH;
        for (IpBlock b : blocks) {
            if (b.contains(ip)) {
                best = Math.max(best, 1 + b.prefix());
            }
        }
        return best;
    }

    /** 0 without names, an exact name above any wildcard, a longer wildcard above a shorter, or NO_MATCH. */
    private static int serverName(List<String> names, String sni) {
        if (names.isEmpty()) {
            return 0;
        }
        if (sni == null || sni.isEmpty()) {
            return NO_MATCH;
        }
        String s = sni.toLowerCase(Locale.ROOT);
        int best = NO_MATCH;
        for (String n : names) {
            if (n.equals(s)) {
                return Integer.MAX_VALUE;
            }
            if (n.equals("*")) {
                best = Math.max(best, 1);
            } else if (n.startsWith("*.") && s.length() > n.length() - 1 && s.endsWith(n.substring(1))) {
                best = Math.max(best, 1 + n.length());
            }
        }
        return best;
    }
}
