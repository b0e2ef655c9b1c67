package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.istio.VirtualService.L4Match;
import dev.loopmesh.controlplane.istio.VirtualService.RouteDestination;
import dev.loopmesh.controlplane.istio.VirtualService.TcpRule;
import dev.loopmesh.policy.authz.IpBlock;
import dev.loopmesh.policy.routing.HeaderOps;
import dev.loopmesh.topology.SpecFields;
import dev.loopmesh.topology.YamlNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Binds a VirtualService's {@code tcp} rules (Istio's TCPRoute, L4MatchAttributes) and {@code tls} rules
 * (TLSRoute, TLSMatchAttributes), with Istio's validation: "TCP route is required", "TLS route is required",
 * a tls rule needs a match and every tls match block {@code sniHosts}, each SNI host within the
 * VirtualService's hosts, subnets are addresses or CIDR blocks.
 */
final class L4RuleBinder {
    private final SpecFields r;
    private final Function<YamlNode.Mapping, RouteDestination> destination;
    private final WeightCheck weights;

    @FunctionalInterface
    interface WeightCheck {
        void check(YamlNode.Mapping rule, List<RouteDestination> route);
    }

    L4RuleBinder(SpecFields reader, Function<YamlNode.Mapping, RouteDestination> destination, WeightCheck weights) {
        this.r = reader;
        this.destination = destination;
        this.weights = weights;
    }

    TcpRule tcp(YamlNode.Mapping m) {
        r.keys(m, "match", "route");
        List<L4Match> matches = new ArrayList<>();
        for (YamlNode.Mapping mm : r.mappings(m, "match")) {
            r.keys(mm, "destinationSubnets", "port", "sourceLabels", "gateways", "sourceNamespace", "sourceSubnet");
            String source = r.string(mm, "sourceSubnet");
            if (source != null) {
                cidr(mm.entries().get("sourceSubnet"), source);
            }
            matches.add(new L4Match(r.integer(mm, "port", 1, 65535, 0), r.stringMap(mm, "sourceLabels"),
                    r.string(mm, "sourceNamespace"), r.strings(mm, "gateways"), subnets(mm), source, List.of()));
        }
        return new TcpRule(matches, route(m, "tcp", "TCP"), m.position());
    }

    TcpRule tls(YamlNode.Mapping m, List<String> hosts) {
        r.keys(m, "match", "route");
        List<L4Match> matches = new ArrayList<>();
        if (r.mappings(m, "match").isEmpty()) {
            r.error(IstioCodes.MISSING_FIELD, m, "a tls rule needs `match` (Istio: \"TLS route must have at least one match condition\")");
        }
        for (YamlNode.Mapping mm : r.mappings(m, "match")) {
            r.keys(mm, "sniHosts", "destinationSubnets", "port", "sourceLabels", "gateways", "sourceNamespace");
            List<String> sni = r.strings(mm, "sniHosts");
            if (sni.isEmpty()) {
                r.error(IstioCodes.MISSING_FIELD, mm, "a tls match needs `sniHosts` (Istio: \"TLS match must have at least one SNI host\")");
            }
            for (String h : sni) {
                if (!withinHosts(h, hosts)) {
                    r.error(IstioCodes.INVALID_VALUE, mm.entries().get("sniHosts"), "SNI host `" + h + "` is not a compatible subset of any "
                            + "of the VirtualService's hosts " + hosts + " (expected: one of them, or a name under a wildcard host)");
                }
            }
            matches.add(new L4Match(r.integer(mm, "port", 1, 65535, 0), r.stringMap(mm, "sourceLabels"),
                    r.string(mm, "sourceNamespace"), r.strings(mm, "gateways"), subnets(mm), "", sni));
        }
        return new TcpRule(matches, route(m, "tls", "TLS"), m.position());
    }

    private List<String> subnets(YamlNode.Mapping mm) {
        List<String> subnets = r.strings(mm, "destinationSubnets");
        for (String s : subnets) {
            cidr(mm.entries().get("destinationSubnets"), s);
        }
        return subnets;
    }

    private void cidr(YamlNode at, String text) {
        try {
            IpBlock.parse(text);
        } catch (IllegalArgumentException e) {
            r.error(IstioCodes.INVALID_VALUE, at, e.getMessage());
        }
    }

    private List<RouteDestination> route(YamlNode.Mapping m, String kind, String istioName) {
        List<RouteDestination> route = new ArrayList<>();
        for (YamlNode.Mapping d : r.mappings(m, "route")) {
            RouteDestination rd = destination.apply(d);
            if (rd != null) {
                if (!rd.requestHeaders().equals(HeaderOps.NONE) || !rd.responseHeaders().equals(HeaderOps.NONE)) {
                    r.error(IstioCodes.INVALID_VALUE, d.entries().get("headers"), "a " + kind + " route destination has no headers");
                }
                route.add(rd);
            }
        }
        if (route.isEmpty() && !m.entries().containsKey("route")) {
            r.error(IstioCodes.MISSING_FIELD, m, "a " + kind + " rule needs `route` (Istio: \"" + istioName + " route is required\")");
        }
        weights.check(m, route);
        return route;
    }

    /** Istio's validateSniHost: the SNI host is one of the hosts, or under a wildcard host; short names stand for themselves. */
    static boolean withinHosts(String sni, List<String> hosts) {
        String s = sni.toLowerCase(Locale.ROOT);
        for (String h : hosts) {
            String host = h.toLowerCase(Locale.ROOT);
            if (host.equals("*") || host.equals(s) || host.startsWith("*.") && s.endsWith(host.substring(1))
                    || s.startsWith("*.") && host.endsWith(s.substring(1))) {
                return true;
            }
        }
        return false;
    }
}
