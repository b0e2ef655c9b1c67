package dev.loopmesh.controlplane.istio;

import dev.loopmesh.policy.resilience.FaultPolicy;
import dev.loopmesh.policy.resilience.RetryPolicy;
import dev.loopmesh.policy.routing.CorsPolicy;
import dev.loopmesh.policy.routing.HeaderOps;
import dev.loopmesh.policy.routing.StringMatch;
import dev.loopmesh.topology.Position;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Istio {@code VirtualService} (networking.istio.io), bound from YAML: its http, tcp and tls rules ({@code tls}
 * routes TLS connections passed through unterminated, by their SNI).
 *
 * @param gatewaySemantics true for one istiod generates from Gateway API routes (its
 *                         {@code internal.istio.io/route-semantics: gateway}): path prefixes match whole path
 *                         segments, a missing backend answers 500, and sidecars of its namespace prefer it
 */
public record VirtualService(String name, String namespace, List<String> hosts, List<String> gateways,
                             List<HttpRule> http, List<String> exportTo, Position position, List<TcpRule> tcp,
                             List<TcpRule> tls, boolean gatewaySemantics) {
    public VirtualService {
        requireNonNull(name, "name");
        requireNonNull(namespace, "namespace");
        hosts = List.copyOf(hosts);
        gateways = List.copyOf(gateways);
        http = List.copyOf(http);
        exportTo = List.copyOf(exportTo);
        tcp = List.copyOf(tcp == null ? List.of() : tcp);
        tls = List.copyOf(tls == null ? List.of() : tls);
    }

    /** A VirtualService as written by a user (not generated from Gateway API routes). */
    public VirtualService(String name, String namespace, List<String> hosts, List<String> gateways, List<HttpRule> http,
                          List<String> exportTo, Position position, List<TcpRule> tcp, List<TcpRule> tls) {
        this(name, namespace, hosts, gateways, http, exportTo, position, tcp, tls, false);
    }

    /** A VirtualService without tls rules. */
    public VirtualService(String name, String namespace, List<String> hosts, List<String> gateways, List<HttpRule> http,
                          List<String> exportTo, Position position, List<TcpRule> tcp) {
        this(name, namespace, hosts, gateways, http, exportTo, position, tcp, List.of());
    }

    /** A VirtualService without tcp rules. */
    public VirtualService(String name, String namespace, List<String> hosts, List<String> gateways, List<HttpRule> http,
                          List<String> exportTo, Position position) {
        this(name, namespace, hosts, gateways, http, exportTo, position, List.of(), List.of(), false);
    }

    /**
     * One {@code tcp} rule (Istio's TCPRoute) or {@code tls} rule (TLSRoute, whose match blocks need
     * {@code sniHosts}): the first whose match applies to the connection routes it.
     */
    public record TcpRule(List<L4Match> match, List<RouteDestination> route, Position position) {
        public TcpRule {
            match = List.copyOf(match);
            route = List.copyOf(route);
        }
    }

    /**
     * Istio's L4MatchAttributes or TLSMatchAttributes: every condition set must hold. Port, source labels,
     * namespace and gateways are decided per proxy by the control plane; SNI and subnets per connection by the
     * listener (Envoy's filter_chain_match).
     *
     * @param port               0 for any
     * @param destinationSubnets CIDRs or addresses the app's connection must be addressed to (on loopback: the
     *                           sidecar listener's address, the caller pod's own)
     * @param sourceSubnet       "" for any (tcp only)
     * @param sniHosts           the ClientHello's server name (tls only; wildcard prefix allowed)
     */
    public record L4Match(int port, Map<String, String> sourceLabels, String sourceNamespace, List<String> gateways,
                          List<String> destinationSubnets, String sourceSubnet, List<String> sniHosts) {
        public L4Match {
            sourceLabels = Map.copyOf(sourceLabels);
            sourceNamespace = sourceNamespace == null ? "" : sourceNamespace;
            gateways = List.copyOf(gateways);
            destinationSubnets = List.copyOf(destinationSubnets);
            sourceSubnet = sourceSubnet == null ? "" : sourceSubnet;
            sniHosts = List.copyOf(sniHosts);
        }
    }

    /** {@code namespace/name} */
    public String key() {
        return namespace + "/" + name;
    }

    /**
     * One {@code http} rule.
     *
     * @param retries null when the rule says nothing (the mesh default applies)
     * @param mirrorPercentage null when absent (Istio's default: 100)
     * @param origin  the Gateway API rule it was generated from, or null for a rule written in a VirtualService
     */
    public record HttpRule(String name, List<HttpMatch> match, List<RouteDestination> route, Redirect redirect,
                           Rewrite rewrite, DirectResponse directResponse, Delegate delegate, Duration timeout,
                           RetryPolicy retries, FaultPolicy fault, Destination mirror, Double mirrorPercentage,
                           List<MirrorTarget> mirrors, CorsPolicy corsPolicy, HeaderOps requestHeaders,
                           HeaderOps responseHeaders, Position position, Origin origin) {
        public HttpRule {
            name = name == null ? "" : name;
            match = List.copyOf(match);
            route = List.copyOf(route);
            mirrors = List.copyOf(mirrors);
            requestHeaders = requestHeaders == null ? HeaderOps.NONE : requestHeaders;
            responseHeaders = responseHeaders == null ? HeaderOps.NONE : responseHeaders;
        }

        /** A rule written in a VirtualService. */
        public HttpRule(String name, List<HttpMatch> match, List<RouteDestination> route, Redirect redirect,
                        Rewrite rewrite, DirectResponse directResponse, Delegate delegate, Duration timeout,
                        RetryPolicy retries, FaultPolicy fault, Destination mirror, Double mirrorPercentage,
                        List<MirrorTarget> mirrors, CorsPolicy corsPolicy, HeaderOps requestHeaders,
                        HeaderOps responseHeaders, Position position) {
            this(name, match, route, redirect, rewrite, directResponse, delegate, timeout, retries, fault, mirror,
                    mirrorPercentage, mirrors, corsPolicy, requestHeaders, responseHeaders, position, null);
        }

        HttpRule withMatchAndName(List<HttpMatch> m, String n) {
            return new HttpRule(n, m, route, redirect, rewrite, directResponse, delegate, timeout, retries, fault, mirror,
                    mirrorPercentage, mirrors, corsPolicy, requestHeaders, responseHeaders, position, origin);
        }
    }

    /**
     * Where a generated rule comes from: a Gateway API route's rule (istiod makes one http rule per match).
     *
     * @param kind  {@code HTTPRoute} or {@code GRPCRoute}
     * @param rule  the index of the rule in the route's {@code rules}
     * @param match the index of the match in the rule's {@code matches}, -1 for a rule without matches
     */
    public record Origin(String kind, String namespace, String name, int rule, int match) {
        public Origin {
            requireNonNull(kind, "kind");
            requireNonNull(namespace, "namespace");
            requireNonNull(name, "name");
        }

        /** {@code HTTPRoute default/reviews} */
        public String resource() {
            return kind + " " + namespace + "/" + name;
        }

        /** {@code namespace/name} */
        public String key() {
            return namespace + "/" + name;
        }
    }

    /**
     * One match block (Istio's HTTPMatchRequest): every condition set must hold.
     *
     * @param headers        by lower-case name; a null {@link HeaderMatch#match()} checks presence
     * @param withoutHeaders the same syntax, inverted
     * @param port           0 for any
     */
    public record HttpMatch(String name, StringMatch uri, StringMatch scheme, StringMatch method, StringMatch authority,
                            Map<String, HeaderMatch> headers, Map<String, HeaderMatch> withoutHeaders,
                            Map<String, HeaderMatch> queryParams, int port, Map<String, String> sourceLabels,
                            String sourceNamespace, List<String> gateways, boolean ignoreUriCase) {
        public HttpMatch {
            name = name == null ? "" : name;
            headers = Map.copyOf(headers);
            withoutHeaders = Map.copyOf(withoutHeaders);
            queryParams = Map.copyOf(queryParams);
            sourceLabels = Map.copyOf(sourceLabels);
            sourceNamespace = sourceNamespace == null ? "" : sourceNamespace;
            gateways = List.copyOf(gateways);
        }
    }

    /** A header or query parameter condition: a string match, or presence when {@code match} is null. */
    public record HeaderMatch(StringMatch match) {
        public static final HeaderMatch PRESENT = new HeaderMatch(null);

        public boolean presence() {
            return match == null;
        }
    }

    /** @param port 0 when not written */
    public record Destination(String host, String subset, int port) {
        public Destination {
            requireNonNull(host, "host");
            subset = subset == null ? "" : subset;
        }
    }

    /** @param weight null when not written */
    public record RouteDestination(Destination destination, Integer weight, HeaderOps requestHeaders,
                                   HeaderOps responseHeaders) {
        public RouteDestination {
            requireNonNull(destination, "destination");
            requestHeaders = requestHeaders == null ? HeaderOps.NONE : requestHeaders;
            responseHeaders = responseHeaders == null ? HeaderOps.NONE : responseHeaders;
        }
    }

    /**
     * @param redirectCode 0 when not written (Envoy answers 301)
     * @param port         0 when not written
     * @param derivePort   {@code FROM_PROTOCOL_DEFAULT}, {@code FROM_REQUEST_PORT}, or "" when not written
     * @param replacePrefix {@code uri} replaces the matched path prefix (Gateway API ReplacePrefixMatch, istiod's
     *                     {@code %PREFIX()%}) rather than the whole path
     */
    public record Redirect(String uri, String authority, int redirectCode, String scheme, int port, String derivePort,
                           boolean replacePrefix) {
        public Redirect {
            derivePort = derivePort == null ? "" : derivePort;
        }

        public Redirect(String uri, String authority, int redirectCode, String scheme, int port) {
            this(uri, authority, redirectCode, scheme, port, "", false);
        }
    }

    /** @param regexMatch null without uriRegexRewrite; {@code regexRewrite} is Envoy's substitution (\1 for groups) */
    public record Rewrite(String uri, String authority, String regexMatch, String regexRewrite) {
        public Pattern compiledRegex() {
            return regexMatch == null ? null : Pattern.compile(regexMatch);
        }
    }

    public record DirectResponse(int status, String body) {
    }

    public record Delegate(String name, String namespace) {
    }

    /** An entry of {@code mirrors}; percent 100 when not written. */
    public record MirrorTarget(Destination destination, double percent) {
    }
}
