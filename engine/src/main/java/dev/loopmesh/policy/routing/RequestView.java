package dev.loopmesh.policy.routing;

import java.util.List;
import java.util.Map;

/**
 * What routing may look at in a request, independent of the transport. Header names are lower case.
 *
 * @param authority the Host / :authority as sent, with its port if any
 * @param path      the path with its query string, as sent
 * @param port      the destination port the caller addressed (the service port)
 * @param sourceIp  the downstream peer's address, for consistent hashing and authorization
 */
public record RequestView(String method, String scheme, String authority, String path, int port,
                          Map<String, List<String>> headers, String sourceIp) {
    public RequestView {
        headers = Map.copyOf(headers);
    }

    /** The first value of a header (name in any case), or null. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The path without its query string. */
    public String pathOnly() {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    /** The query string without '?', or "". */
    public String query() {
        int q = path.indexOf('?');
        return q < 0 ? "" : path.substring(q + 1);
    }
}
