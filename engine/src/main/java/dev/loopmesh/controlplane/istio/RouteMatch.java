package dev.loopmesh.controlplane.istio;

import dev.loopmesh.policy.routing.RequestView;
import dev.loopmesh.policy.routing.StringMatch;

import java.util.List;

/**
 * One compiled match block: every condition must hold (Istio: "all conditions inside a single match
 * block have AND semantics"). Texts for the trace are built once, here, not per request.
 *
 * @param port 0 for any
 */
public record RouteMatch(StringMatch uri, StringMatch scheme, StringMatch method, StringMatch authority,
                         List<Condition> headers, List<Condition> queryParams, int port, String description) {
    public RouteMatch {
        headers = List.copyOf(headers);
        queryParams = List.copyOf(queryParams);
    }

    /**
     * A header or query parameter condition. {@code match} null checks presence. Inverted (Istio's
     * withoutHeaders, Envoy's invert_match): a present header must not match; an absent header fails
     * a value match (Envoy does not treat a missing header as empty) but passes a presence check.
     */
    public record Condition(String name, StringMatch match, boolean invert, String absentText, String mismatchText) {
        /** null when it holds, else why not. */
        String test(String value) {
            if (value == null) {
                if (invert && match == null) {
                    return null;
                }
                return absentText;
            }
            boolean m = match == null || match.matches(value);
            return m != invert ? null : mismatchText;
        }
    }

    /**
     * Envoy's catch-all route as istiod's SortVHostRoutes sees it: any path (no uri, prefix "/" or regex ".*")
     * and no header, method, scheme, authority, query or port condition.
     */
    boolean catchAll() {
        boolean anyPath = uri == null || uri.kind() == StringMatch.Kind.PREFIX && uri.value().equals("/")
                || uri.kind() == StringMatch.Kind.REGEX && uri.value().equals(".*");
        return anyPath && scheme == null && method == null && authority == null && headers.isEmpty() && queryParams.isEmpty()
                && port == 0;
    }

    static String describe(String what, StringMatch m) {
        return what + " " + m.kind().name().toLowerCase(java.util.Locale.ROOT) + " \"" + m.value() + "\""
                + (m.ignoreCase() ? " (ignore case)" : "");
    }

    /** null when the request matches, else the first reason it does not. */
    String test(RequestView req) {
        if (uri != null && !uri.matches(req.pathOnly())) {
            return describe("uri", uri) + " did not match path " + req.pathOnly();
        }
        if (scheme != null && !scheme.matches(req.scheme())) {
            return describe("scheme", scheme) + " did not match " + req.scheme();
        }
        if (method != null && !method.matches(req.method())) {
            return describe("method", method) + " did not match " + req.method();
        }
        if (authority != null && !authority.matches(req.authority())) {
            return describe("authority", authority) + " did not match " + req.authority();
        }
        for (int i = 0; i < headers.size(); i++) {
            Condition c = headers.get(i);
            String why = c.test(req.header(c.name()));
            if (why != null) {
                return why;
            }
        }
        if (!queryParams.isEmpty()) {
            String query = req.query();
            for (int i = 0; i < queryParams.size(); i++) {
                Condition c = queryParams.get(i);
                String why = c.test(queryParam(query, c.name()));
                if (why != null) {
                    return why;
                }
            }
        }
        if (port != 0 && req.port() != port) {
            return "port " + port + " did not match " + req.port();
        }
        return null;
    }

    /** The first value of {@code name} in a query string, as sent (Envoy does not decode it), or null. */
    static String queryParam(String query, String name) {
        int at = 0;
        int n = query.length();
        while (at <= n) {
            int amp = query.indexOf('&', at);
            int end = amp < 0 ? n : amp;
            int eq = query.indexOf('=', at);
            int keyEnd = eq < 0 || eq > end ? end : eq;
            if (keyEnd - at == name.length() && query.startsWith(name, at)) {
                return keyEnd == end ? "" : query.substring(keyEnd + 1, end);
            }
            if (amp < 0) {
                break;
            }
            at = amp + 1;
        }
        return null;
    }
}
