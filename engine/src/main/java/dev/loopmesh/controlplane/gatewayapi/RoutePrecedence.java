package dev.loopmesh.controlplane.gatewayapi;

import dev.loopmesh.controlplane.istio.VirtualService.HttpMatch;
import dev.loopmesh.controlplane.istio.VirtualService.HttpRule;
import dev.loopmesh.policy.routing.StringMatch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Gateway API's precedence among the rules every route of one host brings (HTTPRouteRule: "exact path match,
 * then the longest prefix, then method, then the largest number of header matches, then of query parameter
 * matches"), as istiod's sortHTTPRoutes orders the generated http rules: a stable sort, so ties keep the
 * routes' order (oldest first; resource order stands for creation time) and each route's rule order. istiod
 * ranks Exact over PathPrefix over RegularExpression, compares path lengths within a rank, and puts rules
 * without a match last.
 */
final class RoutePrecedence {
    static final Comparator<HttpRule> ORDER = RoutePrecedence::compare;

    private RoutePrecedence() {
    }

    static List<HttpRule> sorted(List<HttpRule> rules) {
        List<HttpRule> out = new ArrayList<>(rules);
        out.sort(ORDER);
        return out;
    }

    private static int compare(HttpRule a, HttpRule b) {
        if (a.match().isEmpty() || b.match().isEmpty()) {
            return Boolean.compare(a.match().isEmpty(), b.match().isEmpty());
        }
        // one match per generated rule: istiod looks at match[0] only
        HttpMatch m1 = a.match().get(0);
        HttpMatch m2 = b.match().get(0);
        int byRank = Integer.compare(rank(m2.uri()), rank(m1.uri()));
        if (byRank != 0) {
            return byRank;
        }
        int byLength = Integer.compare(length(m2.uri()), length(m1.uri()));
        if (byLength != 0) {
            return byLength;
        }
        if ((m1.method() == null) != (m2.method() == null)) {
            return m1.method() != null ? -1 : 1;
        }
        int byHeaders = Integer.compare(m2.headers().size(), m1.headers().size());
        return byHeaders != 0 ? byHeaders : Integer.compare(m2.queryParams().size(), m1.queryParams().size());
    }

    private static int rank(StringMatch uri) {
        if (uri == null) {
            return -1;
        }
        return switch (uri.kind()) {
            case EXACT -> 3;
            case PREFIX, PATH_PREFIX -> 2;
            case REGEX -> 1;
        };
    }

    private static int length(StringMatch uri) {
        return uri == null ? 0 : uri.value().length();
    }
}
