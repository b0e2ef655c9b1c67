package dev.loopmesh.controlplane.istio;

import dev.loopmesh.policy.resilience.FaultPolicy;
import dev.loopmesh.policy.resilience.RetryPolicy;
import dev.loopmesh.policy.routing.CorsPolicy;
import dev.loopmesh.policy.routing.HeaderOps;
import dev.loopmesh.policy.routing.RequestView;
import dev.loopmesh.policy.routing.RoutingDecision.Outcome;
import dev.loopmesh.policy.routing.StringMatch;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An http rule of a VirtualService, compiled for one proxy: match blocks that do not apply to the
 * proxy (sourceLabels, sourceNamespace, gateways) are already gone, regexes are compiled, header
 * operations combined, and a rule with a fault carries no retries and no timeout.
 *
 * @param virtualService {@code namespace/name} of the VirtualService, or of the Gateway API route for a rule generated
 *                       from one ({@code kind} says which); "" for a generated route
 * @param ruleIndex      the index of the rule in the VirtualService's {@code http}, or in the route's {@code rules}
 * @param matches        empty: matches every request; else the blocks, ORed
 * @param outcome        ROUTE, REDIRECT or DIRECT_RESPONSE
 * @param kind           {@code VirtualService}, or {@code HTTPRoute} / {@code GRPCRoute} for a rule istiod generates
 *                       from Gateway API (whose missing clusters answer 500, not 503)
 */
public record CompiledRule(String virtualService, int ruleIndex, String routeName, String title,
                           List<RouteMatch> matches, Outcome outcome, List<WeightedCluster> destinations,
                           RedirectAction redirect, int directStatus, String directBody, HeaderOps directResponseHeaders,
                           String rewriteUri, String rewriteAuthority, RegexRewrite regexRewrite,
                           Duration timeout, RetryPolicy retry, FaultPolicy fault, List<MirrorCluster> mirrors,
                           CorsPolicy cors, String kind) {
    public static final String VIRTUAL_SERVICE = "VirtualService";

    public CompiledRule {
        matches = List.copyOf(matches);
        destinations = List.copyOf(destinations);
        mirrors = List.copyOf(mirrors);
        kind = kind == null ? VIRTUAL_SERVICE : kind;
    }

    /** The same rule with other match blocks (one Envoy route per block, when a gateway reorders them). */
    CompiledRule withMatches(List<RouteMatch> m) {
        return new CompiledRule(virtualService, ruleIndex, routeName, title, m, outcome, destinations, redirect, directStatus,
                directBody, directResponseHeaders, rewriteUri, rewriteAuthority, regexRewrite, timeout, retry, fault, mirrors, cors,
                kind);
    }

    /**
     * What a request routed to a cluster the proxy does not have gets: istiod sets Envoy's
     * cluster_not_found_response_code to 500 for Gateway API routes ("an invalid backend … 500"), 503 (NC) otherwise.
     */
    int clusterNotFoundStatus() {
        return kind.equals(VIRTUAL_SERVICE) ? 503 : 500;
    }

    /** Every route of this rule is a catch-all: no match blocks, or only catch-all ones. */
    boolean catchAll() {
        return matches.stream().allMatch(RouteMatch::catchAll);
    }

    int totalWeight() {
        int t = 0;
        for (WeightedCluster d : destinations) {
            t += d.weight();
        }
        return t;
    }

    /**
     * @param code          301 unless written
     * @param derivePort    Istio's derivePort: {@code FROM_REQUEST_PORT} keeps the port the request came to,
     *                      {@code FROM_PROTOCOL_DEFAULT} drops it; "" when not written
     * @param replacePrefix {@code uri} replaces the prefix the request matched (Envoy's prefix_rewrite), not the path
     */
    public record RedirectAction(String scheme, String authority, int port, String uri, int code, String derivePort,
                                 boolean replacePrefix) {
        public RedirectAction {
            derivePort = derivePort == null ? "" : derivePort;
        }

        public RedirectAction(String scheme, String authority, int port, String uri, int code) {
            this(scheme, authority, port, uri, code, "", false);
        }

        String location(RequestView req, RouteMatch block) {
            String s = scheme != null ? scheme : req.scheme() == null ? "http" : req.scheme();
            String a = authority != null ? authority : req.authority();
            int p = port;
            if (p == 0 && derivePort.equals("FROM_REQUEST_PORT")) {
                int requestPort = HostNames.portOf(req.authority() == null ? "" : req.authority());
                p = requestPort > 0 ? requestPort : req.port();
            }
            if (p != 0) {
                // istiod leaves out :80 for http and :443 for https
                boolean standard = p == 80 && s.equals("http") || p == 443 && s.equals("https");
                a = standard ? HostNames.hostOf(a) : HostNames.hostOf(a) + ":" + p;
            } else if (derivePort.equals("FROM_PROTOCOL_DEFAULT")) {
                a = HostNames.hostOf(a);
            }
            String path;
            if (uri == null) {
                path = req.path();
            } else if (replacePrefix) {
                path = replacedPrefix(req.path(), block);
            } else {
                // Envoy's path_redirect replaces the path; the query survives unless the new path has one
                String q = req.query();
                path = uri.indexOf('?') >= 0 || q.isEmpty() ? uri : uri + "?" + q;
            }
            return s + "://" + a + path;
        }

        /** Envoy's prefix_rewrite on a redirect: the matched prefix becomes {@code uri}, the rest of the path stays. */
        private String replacedPrefix(String path, RouteMatch block) {
            StringMatch m = block == null ? null : block.uri();
            String prefix = m == null || m.kind() == StringMatch.Kind.REGEX ? "/" : m.value();
            String rest = path.substring(Math.min(prefix.length(), path.length()));
            if (uri.endsWith("/") && rest.startsWith("/")) {
                return uri + rest.substring(1);
            }
            return uri.isEmpty() && !rest.startsWith("/") ? "/" + rest : uri + rest;
        }
    }

    /** Istio's uriRegexRewrite as Envoy's regex_rewrite: every match in the path is substituted. */
    public static final class RegexRewrite {
        private final String regex;
        private final String substitution;
        private final Pattern pattern;
        private final String javaReplacement;

        public RegexRewrite(String regex, String substitution) {
            this.regex = Objects.requireNonNull(regex, "regex");
            this.substitution = Objects.requireNonNull(substitution, "substitution");
            this.pattern = Pattern.compile(regex);
            this.javaReplacement = toJavaReplacement(substitution);
        }

        /** RE2 substitutions write groups as \1; Java writes $1 and treats $ and \ as special. */
        static String toJavaReplacement(String s) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1))) {
                    b.append('$').append(s.charAt(++i));
                } else if (c == '$' || c == '\\') {
                    b.append('\\').append(c);
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }

        String apply(String path) {
            return pattern.matcher(path).replaceAll(javaReplacement);
        }

        public String regex() {
            return regex;
        }

        public String substitution() {
            return substitution;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RegexRewrite && ((RegexRewrite) o).regex.equals(regex)
                    && ((RegexRewrite) o).substitution.equals(substitution);
        }

        @Override
        public int hashCode() {
            return Objects.hash(regex, substitution);
        }

        @Override
        public String toString() {
            return regex + " -> " + substitution;
        }
    }

    public record MirrorCluster(String cluster, double percent) {
    }

    /**
     * The upstream path after {@code rewrite}, or null to keep it. Istio turns {@code rewrite.uri} into
     * Envoy's prefix_rewrite: it replaces the matched prefix, the whole path for an exact or regex
     * match, and "/" (the prefix istiod writes) for a block without uri.
     */
    String rewritePath(RequestView req, RouteMatch block) {
        if (regexRewrite != null) {
            String q = req.query();
            String p = regexRewrite.apply(req.pathOnly());
            return q.isEmpty() ? p : p + "?" + q;
        }
        if (rewriteUri == null) {
            return null;
        }
        StringMatch uri = block == null ? null : block.uri();
        String path = req.path();
        if (uri == null || uri.kind() == StringMatch.Kind.PREFIX || uri.kind() == StringMatch.Kind.PATH_PREFIX) {
            String prefix = uri == null ? "/" : uri.value();
            String rest = path.substring(Math.min(prefix.length(), path.length()));
            if (uri != null && rewriteUri.equals("/") && !prefix.endsWith("/")) {
                // istiod rewrites prefix /foo to / with a regex, so that /foo/bar becomes /bar and not //bar
                return rest.startsWith("/") ? rest : "/" + rest;
            }
            return rewriteUri + rest;
        }
        String q = req.query();
        return q.isEmpty() ? rewriteUri : rewriteUri + "?" + q;
    }
}
