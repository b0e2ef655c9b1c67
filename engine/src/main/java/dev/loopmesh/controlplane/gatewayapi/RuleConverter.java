package dev.loopmesh.controlplane.gatewayapi;

import dev.loopmesh.controlplane.gatewayapi.RouteSpec.BackendRef;
import dev.loopmesh.controlplane.gatewayapi.RouteSpec.Match;
import dev.loopmesh.controlplane.gatewayapi.RouteSpec.Mirror;
import dev.loopmesh.controlplane.gatewayapi.RouteSpec.Rule;
import dev.loopmesh.controlplane.istio.VirtualService.DirectResponse;
import dev.loopmesh.controlplane.istio.VirtualService.HeaderMatch;
import dev.loopmesh.controlplane.istio.VirtualService.HttpMatch;
import dev.loopmesh.controlplane.istio.VirtualService.HttpRule;
import dev.loopmesh.controlplane.istio.VirtualService.MirrorTarget;
import dev.loopmesh.controlplane.istio.VirtualService.Origin;
import dev.loopmesh.controlplane.istio.VirtualService.RouteDestination;
import dev.loopmesh.policy.resilience.FaultPolicy;
import dev.loopmesh.policy.resilience.RetryPolicy;
import dev.loopmesh.policy.routing.StringMatch;
import dev.loopmesh.topology.Problem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A route's rules as the VirtualService http rules istiod generates (pilot's convertHTTPRoute): one http rule per
 * match, named {@code <namespace>.<name>.<rule index>} unless the rule has a name; filters become headers,
 * redirect, rewrite, mirrors and CORS; {@code timeouts} the route timeout (or the per-try timeout under a
 * {@code retry}); backends with weight 0 are left out, and a rule with no weight at all answers 500.
 */
final class RuleConverter {
    private static final Set<String> CONNECTION_ERRORS = Set.of("connect-failure", "refused-stream", "unavailable", "cancelled");

    private final Backends backends;
    private final Set<Problem> problems;
    private final Map<String, FaultPolicy> faults;

    /** @param faults by service name, from the route's {@link Faults#ANNOTATION} */
    RuleConverter(Backends backends, Set<Problem> problems, Map<String, FaultPolicy> faults) {
        this.backends = backends;
        this.problems = problems;
        this.faults = faults;
    }

    /** Every rule of {@code route}, one http rule per match, for a mesh parent or a Gateway parent ({@code enforceGrants}). */
    List<HttpRule> convert(RouteSpec route, boolean enforceGrants) {
        List<HttpRule> out = new ArrayList<>();
        for (int i = 0; i < route.rules().size(); i++) {
            Rule rule = route.rules().get(i);
            String name = rule.name().isEmpty() ? route.namespace() + "." + route.name() + "." + i : rule.name();
            Action action = action(route, rule, enforceGrants);
            if (rule.matches().isEmpty()) {
                out.add(httpRule(name, List.of(), action, rule, new Origin(route.kind(), route.namespace(), route.name(), i, -1)));
            }
            for (int j = 0; j < rule.matches().size(); j++) {
                out.add(httpRule(name, List.of(match(rule.matches().get(j))), action, rule,
                        new Origin(route.kind(), route.namespace(), route.name(), i, j)));
            }
        }
        return out;
    }

    /** What a rule does, the same for each of its matches. */
    private record Action(List<RouteDestination> route, DirectResponse direct, List<MirrorTarget> mirrors, RetryPolicy retries,
                          Duration timeout, FaultPolicy fault) {
    }

    private Action action(RouteSpec route, Rule rule, boolean enforceGrants) {
        List<MirrorTarget> mirrors = new ArrayList<>();
        for (Mirror m : rule.filters().mirrors()) {
            Backends.Resolution r = backends.resolve(m.backend(), route.kind(), route.namespace(), enforceGrants);
            if (r.valid()) {
                mirrors.add(new MirrorTarget(r.destination(), m.percent()));
            } else {
                // istiod leaves an unresolvable mirror out and keeps the route
                problems.add(Problem.warning(r.code(), m.backend().position(), m.backend().path(), "mirror " + r.problem()
                        .replace(": its requests answer 500", ": nothing is mirrored")));
            }
        }
        RetryPolicy retries = retries(rule.retry());
        Duration timeout = null;
        if (rule.requestTimeout() != null && !rule.requestTimeout().isZero()) {
            timeout = rule.requestTimeout();
        }
        if (rule.backendTimeout() != null && !rule.backendTimeout().isZero()) {
            // istiod: backendRequest is the per-try timeout of a retry stanza, else the route timeout
            if (retries != null && retries.attempts() > 0) {
                retries = new RetryPolicy(retries.attempts(), rule.backendTimeout(), retries.retryOn(),
                        retries.retryIgnorePreviousHosts(), retries.retryRemoteLocalities());
            } else {
                timeout = rule.backendTimeout();
            }
        }
        if (!rule.unresolvedFilter().isEmpty()) {
            return new Action(List.of(), new DirectResponse(500, ""), mirrors, retries, timeout, null);
        }
        long total = rule.backendRefs().stream().mapToLong(BackendRef::weight).sum();
        if (total == 0 && rule.filters().redirect() == null) {
            // "If there are no backendRefs or all have weight 0 … 500" (HTTPRouteRule.backendRefs)
            return new Action(List.of(), new DirectResponse(500, ""), mirrors, retries, timeout, null);
        }
        List<RouteDestination> destinations = new ArrayList<>();
        List<BackendRef> weighted = rule.backendRefs().stream().filter(b -> b.weight() > 0).toList();
        FaultPolicy fault = null;
        for (BackendRef b : weighted) {
            Backends.Resolution r = backends.resolve(b, route.kind(), route.namespace(), enforceGrants);
            if (!r.valid()) {
                problems.add(Problem.warning(r.code(), b.position(), b.path(), r.problem()));
            } else if (fault == null) {
                // a rule has one fault: the first faulted service among its backends gives it
                String host = r.destination().host();
                fault = faults.get(host.substring(0, host.indexOf('.')));
            }
            // with one backend left istiod writes weight 0, which sends it everything
            destinations.add(new RouteDestination(r.destination(), weighted.size() == 1 ? null : b.weight(), b.requestHeaders(),
                    b.responseHeaders()));
        }
        return new Action(destinations, null, mirrors, retries, timeout, fault);
    }

    /** istiod's retry: connection errors always, the listed codes too; attempts 2 when not written; 0 disables. */
    private static RetryPolicy retries(RouteSpec.Retry retry) {
        if (retry == null) {
            return null;
        }
        if (retry.attempts() == 0) {
            return RetryPolicy.NONE;
        }
        Set<String> on = new LinkedHashSet<>(CONNECTION_ERRORS);
        for (int code : retry.codes()) {
            on.add(Integer.toString(code));
        }
        if (!retry.codes().isEmpty()) {
            on.add("retriable-status-codes");
        }
        return new RetryPolicy(retry.attempts(), null, on, true, false);
    }

    private static HttpRule httpRule(String name, List<HttpMatch> match, Action a, Rule rule, Origin origin) {
        RouteSpec.Filters f = rule.filters();
        boolean redirect = f.redirect() != null && rule.unresolvedFilter().isEmpty();
        return new HttpRule(name, match, redirect ? List.of() : a.route(), redirect ? f.redirect() : null,
                redirect ? null : f.rewrite(), redirect ? null : a.direct(), null, a.timeout(), a.retries(), redirect ? null : a.fault(),
                null, null,
                a.mirrors(), f.cors(), f.requestHeaders(), f.responseHeaders(), rule.position(), origin);
    }

    private static HttpMatch match(Match m) {
        return new HttpMatch("", m.path(), null, m.method(), null, headerMatches(m.headers()), Map.of(),
                headerMatches(m.queryParams()), 0, Map.of(), "", List.of(), false);
    }

    private static Map<String, HeaderMatch> headerMatches(Map<String, StringMatch> in) {
        Map<String, HeaderMatch> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k, new HeaderMatch(v)));
        return out;
    }

    /** istiod's augmentPortMatch: a mesh route whose parentRef names a port matches that port only. */
    static List<HttpRule> withPort(List<HttpRule> rules, int port) {
        List<HttpRule> out = new ArrayList<>();
        for (HttpRule r : rules) {
            List<HttpMatch> matches = new ArrayList<>();
            if (r.match().isEmpty()) {
                matches.add(new HttpMatch("", null, null, null, null, Map.of(), Map.of(), Map.of(), port, Map.of(), "", List.of(), false));
            }
            for (HttpMatch m : r.match()) {
                matches.add(new HttpMatch(m.name(), m.uri(), m.scheme(), m.method(), m.authority(), m.headers(), m.withoutHeaders(),
                        m.queryParams(), port, m.sourceLabels(), m.sourceNamespace(), m.gateways(), m.ignoreUriCase()));
            }
            out.add(new HttpRule(r.name(), matches, r.route(), r.redirect(), r.rewrite(), r.directResponse(), r.delegate(), r.timeout(),
                    r.retries(), r.fault(), r.mirror(), r.mirrorPercentage(), r.mirrors(), r.corsPolicy(), r.requestHeaders(),
                    r.responseHeaders(), r.position(), r.origin()));
        }
        return out;
    }
}
