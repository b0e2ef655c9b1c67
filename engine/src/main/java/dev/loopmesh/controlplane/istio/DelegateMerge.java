package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.istio.VirtualService.HeaderMatch;
import dev.loopmesh.controlplane.istio.VirtualService.HttpMatch;
import dev.loopmesh.controlplane.istio.VirtualService.HttpRule;
import dev.loopmesh.policy.routing.StringMatch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * istiod's merge of a root rule with the rules of its delegate VirtualService (mergeHTTPRoute): each
 * delegate match must be a subset of a root match (the two are merged, the delegate's fields winning),
 * a delegate rule that conflicts with every root match is dropped, and fields the delegate rule leaves
 * unset come from the root rule.
 */
final class DelegateMerge {
    private DelegateMerge() {
    }

    /** The merged rule, or null when its matches conflict with the root's. */
    static HttpRule merge(HttpRule root, HttpRule leaf) {
        List<HttpMatch> matches = mergeMatches(root.match(), leaf.match());
        if (matches == null) {
            return null;
        }
        String name = joinNames(root.name(), leaf.name());
        boolean leafHeaders = !leaf.requestHeaders().isEmpty() || !leaf.responseHeaders().isEmpty();
        return new HttpRule(name, matches, leaf.route(), leaf.redirect(),
                leaf.rewrite() != null ? leaf.rewrite() : root.rewrite(),
                leaf.directResponse() != null ? leaf.directResponse() : root.directResponse(), null,
                leaf.timeout() != null ? leaf.timeout() : root.timeout(),
                leaf.retries() != null ? leaf.retries() : root.retries(),
                leaf.fault() != null ? leaf.fault() : root.fault(),
                leaf.mirror() != null ? leaf.mirror() : root.mirror(),
                leaf.mirrorPercentage() != null ? leaf.mirrorPercentage() : root.mirrorPercentage(),
                !leaf.mirrors().isEmpty() ? leaf.mirrors() : root.mirrors(),
                leaf.corsPolicy() != null ? leaf.corsPolicy() : root.corsPolicy(),
                leafHeaders ? leaf.requestHeaders() : root.requestHeaders(),
                leafHeaders ? leaf.responseHeaders() : root.responseHeaders(), leaf.position());
    }

    static String joinNames(String root, String leaf) {
        if (leaf.isEmpty()) {
            return root;
        }
        return root.isEmpty() ? leaf : root + "-" + leaf;
    }

    static List<HttpMatch> mergeMatches(List<HttpMatch> root, List<HttpMatch> leaf) {
        if (root.isEmpty()) {
            return leaf;
        }
        if (leaf.isEmpty()) {
            return root;
        }
        List<HttpMatch> out = new ArrayList<>();
        for (HttpMatch sub : leaf) {
            boolean found = false;
            for (HttpMatch r : root) {
                if (!conflict(r, sub)) {
                    out.add(merge(r, sub));
                    found = true;
                }
            }
            if (!found) {
                return null;
            }
        }
        return out.isEmpty() ? null : out;
    }

    private static HttpMatch merge(HttpMatch root, HttpMatch leaf) {
        return new HttpMatch(joinNames(root.name(), leaf.name()),
                leaf.uri() != null ? leaf.uri() : root.uri(),
                leaf.scheme() != null ? leaf.scheme() : root.scheme(),
                leaf.method() != null ? leaf.method() : root.method(),
                leaf.authority() != null ? leaf.authority() : root.authority(),
                union(root.headers(), leaf.headers()), union(root.withoutHeaders(), leaf.withoutHeaders()),
                union(root.queryParams(), leaf.queryParams()), leaf.port() != 0 ? leaf.port() : root.port(),
                union(root.sourceLabels(), leaf.sourceLabels()),
                !leaf.sourceNamespace().isEmpty() ? leaf.sourceNamespace() : root.sourceNamespace(),
                !leaf.gateways().isEmpty() ? leaf.gateways() : root.gateways(), leaf.ignoreUriCase());
    }

    private static <V> Map<String, V> union(Map<String, V> root, Map<String, V> leaf) {
        Map<String, V> m = new LinkedHashMap<>(root);
        m.putAll(leaf);
        return m;
    }

    private static boolean conflict(HttpMatch root, HttpMatch leaf) {
        if (conflict(root.uri(), leaf.uri()) || conflict(root.scheme(), leaf.scheme())
                || conflict(root.method(), leaf.method()) || conflict(root.authority(), leaf.authority())) {
            return true;
        }
        if (conflict(root.headers(), leaf.headers()) || conflict(root.withoutHeaders(), leaf.withoutHeaders())
                || conflict(root.queryParams(), leaf.queryParams())) {
            return true;
        }
        if (root.ignoreUriCase() != leaf.ignoreUriCase()) {
            return true;
        }
        if (root.port() > 0 && leaf.port() > 0 && root.port() != leaf.port()) {
            return true;
        }
        if (!root.sourceNamespace().isEmpty() && !leaf.sourceNamespace().equals(root.sourceNamespace())) {
            return true;
        }
        for (Map.Entry<String, String> e : leaf.sourceLabels().entrySet()) {
            String v = root.sourceLabels().get(e.getKey());
            if (v != null && !v.equals(e.getValue())) {
                return true;
            }
        }
        return !leaf.gateways().isEmpty() && !new HashSet<>(root.gateways()).containsAll(leaf.gateways());
    }

    private static boolean conflict(Map<String, HeaderMatch> root, Map<String, HeaderMatch> leaf) {
        for (Map.Entry<String, HeaderMatch> e : leaf.entrySet()) {
            HeaderMatch r = root.get(e.getKey());
            if (r != null && conflict(r.match(), e.getValue().match())) {
                return true;
            }
        }
        return false;
    }

    /** istiod's stringMatchConflict: the leaf must narrow the root (a longer prefix, the same exact value). */
    private static boolean conflict(StringMatch root, StringMatch leaf) {
        if (root == null || leaf == null) {
            return false;
        }
        if (root.kind() == StringMatch.Kind.REGEX || leaf.kind() == StringMatch.Kind.REGEX) {
            return true;
        }
        if (root.kind() == StringMatch.Kind.EXACT) {
            return leaf.kind() != StringMatch.Kind.EXACT || !leaf.value().equals(root.value());
        }
        return !leaf.value().startsWith(root.value());
    }
}
