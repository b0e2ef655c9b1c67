package dev.loopmesh.policy.routing;

import dev.loopmesh.policy.resilience.FaultPolicy;
import dev.loopmesh.policy.resilience.RetryPolicy;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What a route table decided for one request, and why: the data plane executes it, the decision
 * trace, the access log and {@code loopmesh route} show it.
 *
 * @param virtualService  {@code namespace/name} of the VirtualService whose rule matched, "" for a default route
 * @param ruleIndex       index of the matched {@code http} rule, -1 for a default route or no route
 * @param routeName       the rule's {@code name}, or a generated one ({@code default}, {@code ingress})
 * @param cluster         for ROUTE: the cluster picked (after the weighted pick)
 * @param rewritePath     the path to send upstream, or null to keep it
 * @param rewriteAuthority the authority to send upstream, or null to keep it
 * @param timeout         the route timeout; null for none (Istio's default is none)
 * @param fault           null for none; a route with a fault gets no retries and no timeout (Istio's rule)
 * @param status          for REDIRECT and DIRECT_RESPONSE: the status to answer with
 * @param body            for DIRECT_RESPONSE: the body; for REDIRECT: the Location
 * @param cors            null when the route has no corsPolicy
 * @param trace           one line per decision taken, in order, for people
 * @param routeKind       what {@code virtualService} names: {@code VirtualService}, or the Gateway API route
 *                        ({@code HTTPRoute}, {@code GRPCRoute}) the rule was generated from
 * @param clusterNotFoundStatus what a ROUTE to a cluster the proxy does not have answers (flag NC): 503, or 500
 *                        for a Gateway API route (istiod's cluster_not_found_response_code)
 */
public record RoutingDecision(Outcome outcome, String virtualService, int ruleIndex, String routeName,
                              String cluster, String destinationHost, String subset, int destinationPort,
                              String rewritePath, String rewriteAuthority,
                              HeaderOps requestHeaders, HeaderOps responseHeaders,
                              Duration timeout, RetryPolicy retry, FaultPolicy fault, List<Mirror> mirrors,
                              int status, String body, CorsPolicy cors, List<String> trace, String routeKind,
                              int clusterNotFoundStatus) {

    public enum Outcome {
        /** forward to {@link #cluster} */
        ROUTE,
        /** answer with a redirect */
        REDIRECT,
        /** answer with {@link #status} and {@link #body} */
        DIRECT_RESPONSE,
        /** no virtual host or no rule matched: 404 NR */
        NO_ROUTE,
        /** an unknown host under REGISTRY_ONLY: 502, BlackHoleCluster */
        BLACKHOLE,
        /** an unknown host under ALLOW_ANY: forward to the original destination (PassthroughCluster) */
        PASSTHROUGH
    }

    public RoutingDecision {
        requireNonNull(outcome, "outcome");
        virtualService = virtualService == null ? "" : virtualService;
        routeName = routeName == null ? "" : routeName;
        cluster = cluster == null ? "" : cluster;
        destinationHost = destinationHost == null ? "" : destinationHost;
        subset = subset == null ? "" : subset;
        requestHeaders = requestHeaders == null ? HeaderOps.NONE : requestHeaders;
        responseHeaders = responseHeaders == null ? HeaderOps.NONE : responseHeaders;
        retry = retry == null ? RetryPolicy.ISTIO_DEFAULT : retry;
        mirrors = List.copyOf(mirrors == null ? List.of() : mirrors);
        body = body == null ? "" : body;
        trace = List.copyOf(trace == null ? List.of() : trace);
        routeKind = routeKind == null || routeKind.isEmpty() ? "VirtualService" : routeKind;
        clusterNotFoundStatus = clusterNotFoundStatus == 0 ? 503 : clusterNotFoundStatus;
    }

    /** A decision of a VirtualService (or of no route at all): a missing cluster answers 503 NC. */
    public RoutingDecision(Outcome outcome, String virtualService, int ruleIndex, String routeName,
                           String cluster, String destinationHost, String subset, int destinationPort,
                           String rewritePath, String rewriteAuthority,
                           HeaderOps requestHeaders, HeaderOps responseHeaders,
                           Duration timeout, RetryPolicy retry, FaultPolicy fault, List<Mirror> mirrors,
                           int status, String body, CorsPolicy cors, List<String> trace) {
        this(outcome, virtualService, ruleIndex, routeName, cluster, destinationHost, subset, destinationPort, rewritePath,
                rewriteAuthority, requestHeaders, responseHeaders, timeout, retry, fault, mirrors, status, body, cors, trace,
                "VirtualService", 503);
    }

    public static RoutingDecision noRoute(String why) {
        return new RoutingDecision(Outcome.NO_ROUTE, "", -1, "", "", "", "", 0, null, null, null, null, null,
                RetryPolicy.NONE, null, List.of(), 404, "", null, List.of(why));
    }
}
