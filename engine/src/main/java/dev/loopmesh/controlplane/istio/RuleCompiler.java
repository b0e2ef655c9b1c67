package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.istio.CompiledRule.MirrorCluster;
import dev.loopmesh.controlplane.istio.CompiledRule.RedirectAction;
import dev.loopmesh.controlplane.istio.CompiledRule.RegexRewrite;
import dev.loopmesh.controlplane.istio.VirtualService.Destination;
import dev.loopmesh.controlplane.istio.VirtualService.HeaderMatch;
import dev.loopmesh.controlplane.istio.VirtualService.HttpMatch;
import dev.loopmesh.controlplane.istio.VirtualService.HttpRule;
import dev.loopmesh.controlplane.istio.VirtualService.MirrorTarget;
import dev.loopmesh.controlplane.istio.VirtualService.RouteDestination;
import dev.loopmesh.policy.resilience.RetryPolicy;
import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.policy.routing.HeaderOps;
import dev.loopmesh.policy.routing.RoutingDecision.Outcome;
import dev.loopmesh.policy.routing.StringMatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Compiles a VirtualService's http rules for one proxy (istiod's BuildHTTPRoutesForVirtualService). */
final class RuleCompiler {
    private final IstioConfig config;

    RuleCompiler(IstioConfig config) {
        this.config = config;
    }

    /**
     * The rules of {@code vs} that apply to {@code proxy}, in order; {@code used} collects delegates. As
     * istiod's BuildHTTPRoutesForVirtualService, nothing after a catch-all (a rule without match, or a match
     * block that is only {@code uri: {prefix: /}}) is kept: it could never be reached, and dropping it matters
     * when a gateway merges several VirtualServices and moves catch-alls last.
     */
    List<CompiledRule> compile(VirtualService vs, ProxyContext proxy, Set<String> used) {
        List<CompiledRule> out = new ArrayList<>();
        for (int i = 0; i < vs.http().size(); i++) {
            HttpRule rule = vs.http().get(i);
            String title = title(vs, rule, i);
            if (rule.delegate() == null) {
                CompiledRule c = compile(rule, vs, vs.namespace(), i, title, proxy);
                if (c != null) {
                    out.add(c);
                }
                if (catchAll(rule, vs, proxy)) {
                    return out;
                }
                continue;
            }
            String ns = rule.delegate().namespace() == null ? vs.namespace() : rule.delegate().namespace();
            VirtualService delegate = config.virtualService(rule.delegate().name(), ns);
            if (delegate == null || !delegate.hosts().isEmpty()) {
                continue; // istiod skips a missing delegate, and a VirtualService with hosts cannot be one
            }
            used.add("VirtualService " + delegate.key());
            for (int j = 0; j < delegate.http().size(); j++) {
                HttpRule leaf = delegate.http().get(j);
                if (leaf.delegate() != null) {
                    continue; // one level of delegation only
                }
                HttpRule merged = DelegateMerge.merge(rule, leaf);
                if (merged == null) {
                    continue;
                }
                String t = "VirtualService " + vs.key() + " rule " + i + " → delegate " + delegate.key() + " rule " + j
                        + named(merged.name());
                CompiledRule c = compile(merged, vs, delegate.namespace(), i, t, proxy);
                if (c != null) {
                    out.add(c);
                }
                if (catchAll(merged, vs, proxy)) {
                    return out;
                }
            }
        }
        return out;
    }

    /** istiod's catch-all: a rule without match, or one whose first applying catch-all block ends the routes. */
    private static boolean catchAll(HttpRule rule, VirtualService vs, ProxyContext proxy) {
        if (rule.match().isEmpty()) {
            return true;
        }
        for (HttpMatch m : rule.match()) {
            if (appliesTo(m, vs, proxy) && isCatchAllMatch(m)) {
                return true;
            }
        }
        return false;
    }

    /** istiod's isCatchAllMatch: {@code uri: {prefix: /}} and no other condition at all. */
    static boolean isCatchAllMatch(HttpMatch m) {
        return m.uri() != null && m.uri().kind() == StringMatch.Kind.PREFIX && m.uri().value().equals("/")
                && m.scheme() == null && m.method() == null && m.authority() == null && m.headers().isEmpty()
                && m.withoutHeaders().isEmpty() && m.queryParams().isEmpty() && m.port() == 0
                && m.sourceLabels().isEmpty() && m.sourceNamespace().isEmpty() && m.gateways().isEmpty();
    }

    private static String named(String name) {
        return name.isEmpty() ? "" : " (name \"" + name + "\")";
    }

    /** How the trace names a rule: {@code VirtualService default/reviews rule 0}, or the Gateway API rule it came from. */
    private static String title(VirtualService vs, HttpRule rule, int index) {
        VirtualService.Origin o = rule.origin();
        if (o == null) {
            return "VirtualService " + vs.key() + " rule " + index + named(rule.name());
        }
        return o.resource() + " rule " + o.rule() + (o.match() >= 0 ? " match " + o.match() : "");
    }

    /** A default route: every request to {@code host}'s cluster, with the mesh's default retries. */
    static CompiledRule defaultRoute(String host, int port) {
        String cluster = ClusterConfig.name("outbound", port, "", host);
        WeightedCluster d = new WeightedCluster(cluster, host, "", port, 100, HeaderOps.NONE, HeaderOps.NONE,
                "cluster " + cluster);
        return new CompiledRule("", -1, "default", "default route of " + host + ":" + port, List.of(), Outcome.ROUTE,
                List.of(d), null, 0, "", HeaderOps.NONE, null, null, null, null, RetryPolicy.ISTIO_DEFAULT, null,
                List.of(), null, CompiledRule.VIRTUAL_SERVICE);
    }

    private CompiledRule compile(HttpRule rule, VirtualService vs, String hostNamespace, int index, String title,
                                 ProxyContext proxy) {
        List<RouteMatch> blocks = new ArrayList<>();
        for (HttpMatch m : rule.match()) {
            if (appliesTo(m, vs, proxy)) {
                blocks.add(compile(m));
                if (isCatchAllMatch(m)) {
                    break; // the blocks after it are never reached (istiod stops there)
                }
            }
        }
        if (!rule.match().isEmpty() && blocks.isEmpty()) {
            return null; // istiod drops a rule none of whose match blocks applies to this proxy
        }
        // "timeouts or retries will not be enabled when faults are enabled" (Istio HTTPRoute.fault)
        boolean fault = rule.fault() != null;
        RetryPolicy retry = fault ? RetryPolicy.NONE : rule.retries() == null ? RetryPolicy.ISTIO_DEFAULT : rule.retries();
        Duration timeout = fault || rule.timeout() == null || rule.timeout().isZero() ? null : rule.timeout();
        String rewriteUri = rule.rewrite() == null ? null : rule.rewrite().uri();
        String rewriteAuthority = rule.rewrite() == null ? null : rule.rewrite().authority();
        RegexRewrite regex = rule.rewrite() == null || rule.rewrite().regexMatch() == null ? null
                : new RegexRewrite(rule.rewrite().regexMatch(), rule.rewrite().regexRewrite());
        List<MirrorCluster> mirrors = new ArrayList<>();
        if (rule.mirror() != null) {
            mirrors.add(new MirrorCluster(cluster(rule.mirror(), hostNamespace),
                    rule.mirrorPercentage() == null ? 100 : rule.mirrorPercentage()));
        }
        for (MirrorTarget t : rule.mirrors()) {
            mirrors.add(new MirrorCluster(cluster(t.destination(), hostNamespace), t.percent()));
        }
        VirtualService.Origin origin = rule.origin();
        String owner = origin == null ? vs.key() : origin.key();
        int ruleIndex = origin == null ? index : origin.rule();
        String kind = origin == null ? CompiledRule.VIRTUAL_SERVICE : origin.kind();
        if (rule.redirect() != null) {
            VirtualService.Redirect r = rule.redirect();
            RedirectAction a = new RedirectAction(r.scheme(), r.authority(), r.port(), r.uri(),
                    r.redirectCode() == 0 ? 301 : r.redirectCode(), r.derivePort(), r.replacePrefix());
            return new CompiledRule(owner, ruleIndex, rule.name(), title, blocks, Outcome.REDIRECT, List.of(), a, 0, "",
                    rule.responseHeaders(), null, null, null, null, RetryPolicy.NONE, rule.fault(), List.of(), rule.corsPolicy(),
                    kind);
        }
        if (rule.directResponse() != null) {
            return new CompiledRule(owner, ruleIndex, rule.name(), title, blocks, Outcome.DIRECT_RESPONSE, List.of(), null,
                    rule.directResponse().status(), rule.directResponse().body(), rule.responseHeaders(), null, null, null,
                    null, RetryPolicy.NONE, rule.fault(), List.of(), rule.corsPolicy(), kind);
        }
        List<WeightedCluster> destinations = new ArrayList<>();
        boolean single = rule.route().size() == 1;
        for (RouteDestination rd : rule.route()) {
            Destination d = rd.destination();
            String host = HostNames.fqdn(d.host(), hostNamespace);
            int port = d.port() != 0 ? d.port() : config.defaultPort(host);
            // "If there is only one destination in a rule, it will receive all traffic" (HTTPRouteDestination.weight)
            int weight = single ? 100 : rd.weight() == null ? 0 : rd.weight();
            String description = d.host() + (d.subset().isEmpty() ? "" : " subset " + d.subset()) + " (weight " + weight + ")";
            destinations.add(new WeightedCluster(ClusterConfig.name("outbound", port, d.subset(), host), host, d.subset(),
                    port, weight, rule.requestHeaders().then(rd.requestHeaders()),
                    rule.responseHeaders().then(rd.responseHeaders()), description));
        }
        if (destinations.isEmpty() || destinations.stream().mapToInt(WeightedCluster::weight).sum() <= 0) {
            return null;
        }
        return new CompiledRule(owner, ruleIndex, rule.name(), title, blocks, Outcome.ROUTE, destinations, null, 0, "",
                HeaderOps.NONE, rewriteUri, rewriteAuthority, regex, timeout, retry, rule.fault(), mirrors, rule.corsPolicy(), kind);
    }

    private String cluster(Destination d, String namespace) {
        String host = HostNames.fqdn(d.host(), namespace);
        int port = d.port() != 0 ? d.port() : config.defaultPort(host);
        return ClusterConfig.name("outbound", port, d.subset(), host);
    }

    /** sourceLabels, sourceNamespace and match-level gateways, evaluated for this proxy (istiod's sourceMatchHTTP). */
    static boolean appliesTo(HttpMatch m, VirtualService vs, ProxyContext proxy) {
        for (Map.Entry<String, String> e : m.sourceLabels().entrySet()) {
            if (!e.getValue().equals(proxy.labels().get(e.getKey()))) {
                return false;
            }
        }
        if (!m.sourceNamespace().isEmpty() && !m.sourceNamespace().equals(proxy.namespace())) {
            return false;
        }
        if (m.gateways().isEmpty()) {
            return true;
        }
        for (String g : m.gateways()) {
            if (proxy.gateway() ? proxy.gatewayNames().contains(gatewayKey(g, vs.namespace())) : g.equals("mesh")) {
                return true;
            }
        }
        return false;
    }

    /** A gateway reference as {@code namespace/name}: short names live in the VirtualService's namespace. */
    static String gatewayKey(String ref, String namespace) {
        return ref.indexOf('/') >= 0 ? ref : namespace + "/" + ref;
    }

    private static RouteMatch compile(HttpMatch m) {
        List<String> parts = new ArrayList<>();
        if (m.uri() != null) {
            parts.add(RouteMatch.describe("uri", m.uri()));
        }
        if (m.scheme() != null) {
            parts.add(RouteMatch.describe("scheme", m.scheme()));
        }
        if (m.method() != null) {
            parts.add(RouteMatch.describe("method", m.method()));
        }
        if (m.authority() != null) {
            parts.add(RouteMatch.describe("authority", m.authority()));
        }
        List<RouteMatch.Condition> headers = new ArrayList<>();
        m.headers().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> headers.add(condition("header", e.getKey(), e.getValue(), false, parts)));
        m.withoutHeaders().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> headers.add(condition("header", e.getKey(), e.getValue(), true, parts)));
        List<RouteMatch.Condition> query = new ArrayList<>();
        m.queryParams().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> query.add(condition("query parameter", e.getKey(), e.getValue(), false, parts)));
        if (m.port() != 0) {
            parts.add("port " + m.port());
        }
        String description = parts.isEmpty() ? "empty match" : String.join(" and ", parts);
        return new RouteMatch(m.uri(), m.scheme(), m.method(), m.authority(), headers, query, m.port(), description);
    }

    private static RouteMatch.Condition condition(String what, String name, HeaderMatch hm, boolean invert, List<String> parts) {
        StringMatch sm = hm.match();
        String text = sm == null ? what + " " + name + " present" : RouteMatch.describe(what + " " + name, sm);
        String shown = invert ? "not " + text : text;
        parts.add(shown);
        String absent = what + " " + name + " absent" + (invert ? " (withoutHeaders needs it present)" : "");
        String mismatch = invert ? what + " " + name + " matched " + text.substring(what.length() + name.length() + 2)
                : text + " did not match";
        return new RouteMatch.Condition(name, sm, invert, absent, mismatch);
    }
}
