package dev.loopmesh.controlplane.gatewayapi;

import dev.loopmesh.controlplane.istio.VirtualService;
import dev.loopmesh.policy.routing.CorsPolicy;
import dev.loopmesh.policy.routing.HeaderOps;
import dev.loopmesh.policy.routing.StringMatch;
import dev.loopmesh.topology.Position;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A Gateway API {@code HTTPRoute} or {@code GRPCRoute}, bound from YAML with the API server's defaults applied
 * (a path match defaults to PathPrefix {@code /}, a weight to 1, a parentRef's group and kind to Gateway), and
 * with the position of everything a later check may point at.
 *
 * @param kind      {@code HTTPRoute} or {@code GRPCRoute}
 * @param hostnames as written; empty for any
 */
public record RouteSpec(String kind, String name, String namespace, List<ParentRef> parentRefs, List<String> hostnames,
                        List<Rule> rules, Position position) {
    public RouteSpec {
        requireNonNull(kind, "kind");
        requireNonNull(name, "name");
        requireNonNull(namespace, "namespace");
        parentRefs = List.copyOf(parentRefs);
        hostnames = List.copyOf(hostnames);
        rules = List.copyOf(rules);
    }

    /** {@code HTTPRoute default/reviews} */
    public String label() {
        return kind + " " + namespace + "/" + name;
    }

    /**
     * Where a route attaches.
     *
     * @param group       "" for the core group (a Service)
     * @param namespace   resolved: the route's own when not written
     * @param sectionName "" for every listener of a Gateway
     * @param port        0 for any
     * @param path        the YAML path, for findings
     */
    public record ParentRef(String group, String kind, String namespace, String name, String sectionName, int port,
                            Position position, String path) {
        public boolean isService() {
            return group.isEmpty() && kind.equals("Service");
        }

        public boolean isGateway() {
            return group.equals(GatewayApiBinder.GROUP) && kind.equals("Gateway");
        }

        public String describe() {
            return kind + " " + namespace + "/" + name + (sectionName.isEmpty() ? "" : " sectionName " + sectionName)
                    + (port == 0 ? "" : " port " + port);
        }
    }

    /**
     * One rule.
     *
     * @param matches         empty: every request (istiod makes one http rule without match)
     * @param unresolvedFilter the type of a filter Loopmesh cannot apply ({@code ExtensionRef}, …), "" for none: the
     *                        spec says requests it would have processed answer 500, never skip it
     * @param requestTimeout  {@code timeouts.request}, null when not written
     * @param backendTimeout  {@code timeouts.backendRequest}, null when not written
     * @param retry           the {@code retry} stanza, null when not written (the mesh default applies)
     */
    public record Rule(String name, List<Match> matches, Filters filters, List<BackendRef> backendRefs,
                       String unresolvedFilter, Duration requestTimeout, Duration backendTimeout, Retry retry,
                       Position position, String path) {
        public Rule {
            name = name == null ? "" : name;
            matches = List.copyOf(matches);
            backendRefs = List.copyOf(backendRefs);
            unresolvedFilter = unresolvedFilter == null ? "" : unresolvedFilter;
        }
    }

    /**
     * One match, already in the form istiod gives it: the path as an Istio StringMatch (PathPrefix {@code /} a
     * plain prefix, another PathPrefix Envoy's path_separated_prefix), header and query names lower case
     * where they are case-insensitive.
     *
     * @param path   null for none (a GRPCRoute match without method)
     * @param method null for any
     */
    public record Match(StringMatch path, StringMatch method, Map<String, StringMatch> headers,
                        Map<String, StringMatch> queryParams) {
        public Match {
            headers = Map.copyOf(headers);
            queryParams = Map.copyOf(queryParams);
        }
    }

    /**
     * A rule's filters, each at most once (the API allows one of each core type per rule).
     *
     * @param redirect null without RequestRedirect
     * @param rewrite  null without URLRewrite
     * @param cors     null without CORS
     */
    public record Filters(HeaderOps requestHeaders, HeaderOps responseHeaders, VirtualService.Redirect redirect,
                          VirtualService.Rewrite rewrite, List<Mirror> mirrors, CorsPolicy cors) {
        public static final Filters NONE = new Filters(HeaderOps.NONE, HeaderOps.NONE, null, null, List.of(), null);

        public Filters {
            requestHeaders = requestHeaders == null ? HeaderOps.NONE : requestHeaders;
            responseHeaders = responseHeaders == null ? HeaderOps.NONE : responseHeaders;
            mirrors = List.copyOf(mirrors);
        }
    }

    /** A RequestMirror filter: a backend and the percentage of requests copied to it (100 when not written). */
    public record Mirror(BackendRef backend, double percent) {
    }

    /**
     * A backendRef (or a mirror's backendRef).
     *
     * @param group     "" for the core group
     * @param namespace resolved: the route's own when not written
     * @param port      0 when not written (an error for a Service; the API requires it)
     * @param weight    1 when not written
     */
    public record BackendRef(String group, String kind, String namespace, String name, int port, int weight,
                             HeaderOps requestHeaders, HeaderOps responseHeaders, Position position, String path) {
        public BackendRef {
            requestHeaders = requestHeaders == null ? HeaderOps.NONE : requestHeaders;
            responseHeaders = responseHeaders == null ? HeaderOps.NONE : responseHeaders;
        }

        public boolean isService() {
            return group.isEmpty() && kind.equals("Service");
        }
    }

    /**
     * The {@code retry} stanza (Gateway API v1.2, istiod reads it).
     *
     * @param attempts 2 when not written (istiod's default for a written stanza)
     * @param codes    HTTP statuses to retry on, besides connection failures
     * @param backoff  null when not written
     */
    public record Retry(int attempts, List<Integer> codes, Duration backoff) {
        public Retry {
            codes = List.copyOf(codes);
        }
    }
}
