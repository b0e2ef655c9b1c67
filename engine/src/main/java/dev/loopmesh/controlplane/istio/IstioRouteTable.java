package dev.loopmesh.controlplane.istio;

import dev.loopmesh.policy.resilience.RetryPolicy;
import dev.loopmesh.policy.routing.HeaderOps;
import dev.loopmesh.policy.routing.Mirror;
import dev.loopmesh.policy.routing.RequestView;
import dev.loopmesh.policy.routing.RouteTable;
import dev.loopmesh.policy.routing.RoutingDecision;
import dev.loopmesh.policy.routing.RoutingDecision.Outcome;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * One proxy's routes as istiod would give them to Envoy. Immutable; equal by value (the virtual
 * hosts, the ingress routes and the unknown-host policy), so the control plane pushes only what changed.
 * Lookups go through indexes built once: exact host names first, then the longest wildcard suffix,
 * then {@code *}, as Envoy selects virtual hosts.
 */
public final class IstioRouteTable implements RouteTable {

    /** What happens to a request whose authority no virtual host claims. */
    public enum UnknownHosts {
        /** a sidecar under ALLOW_ANY: PassthroughCluster */
        ALLOW_ANY,
        /** a sidecar under REGISTRY_ONLY: BlackHoleCluster, 502 */
        REGISTRY_ONLY,
        /** a gateway: 404 NR */
        NOT_FOUND
    }

    /** A built-in route of the Mesh document's ingress: path prefix → a service's default cluster. */
    public record IngressRoute(String prefix, String host, int port, String cluster) {
    }

    private final String proxy;
    private final List<VirtualHost> virtualHosts;
    private final List<IngressRoute> ingressRoutes;
    private final UnknownHosts unknownHosts;

    private final Map<String, List<VirtualHost>> exact;
    private final List<VirtualHost> wildcards;
    private final List<String> wildcardSuffixes;
    private final List<VirtualHost> catchAll;

    public IstioRouteTable(String proxy, List<VirtualHost> virtualHosts, List<IngressRoute> ingressRoutes, UnknownHosts unknownHosts) {
        this.proxy = Objects.requireNonNull(proxy, "proxy");
        this.virtualHosts = List.copyOf(virtualHosts);
        this.ingressRoutes = List.copyOf(ingressRoutes);
        this.unknownHosts = Objects.requireNonNull(unknownHosts, "unknownHosts");
        this.exact = new HashMap<>();
        this.wildcards = new ArrayList<>();
        this.wildcardSuffixes = new ArrayList<>();
        this.catchAll = new ArrayList<>();
        this.content = new Content(this.virtualHosts, this.ingressRoutes, this.unknownHosts);
        List<Map.Entry<String, VirtualHost>> wild = new ArrayList<>();
        for (VirtualHost vh : this.virtualHosts) {
            for (String h : vh.hosts()) {
                if (h.equals("*")) {
                    catchAll.add(vh);
                } else if (h.startsWith("*")) {
                    wild.add(Map.entry(h.substring(1), vh));
                } else {
                    exact.computeIfAbsent(h, k -> new ArrayList<>()).add(vh);
                }
            }
        }
        wild.sort(Comparator.comparingInt((Map.Entry<String, VirtualHost> e) -> e.getKey().length()).reversed());
        for (Map.Entry<String, VirtualHost> e : wild) {
            wildcardSuffixes.add(e.getKey());
            wildcards.add(e.getValue());
        }
    }

    /** What the routes are, without the name: shared by the tables of proxies of one shape. */
    private record Content(List<VirtualHost> virtualHosts, List<IngressRoute> ingressRoutes, UnknownHosts unknownHosts) {
    }

    private final Content content;

    /** The same table and lookup indexes for another proxy of the same shape (they are immutable, so shared). */
    private IstioRouteTable(IstioRouteTable shared, String proxy) {
        this.proxy = proxy;
        this.content = shared.content;
        this.virtualHosts = shared.virtualHosts;
        this.ingressRoutes = shared.ingressRoutes;
        this.unknownHosts = shared.unknownHosts;
        this.exact = shared.exact;
        this.wildcards = shared.wildcards;
        this.wildcardSuffixes = shared.wildcardSuffixes;
        this.catchAll = shared.catchAll;
    }

    /** This table for {@code proxy}: sidecars that see the same config share everything but the name. */
    public IstioRouteTable forProxy(String proxy) {
        return proxy.equals(this.proxy) ? this : new IstioRouteTable(this, Objects.requireNonNull(proxy, "proxy"));
    }

    public String proxy() {
        return proxy;
    }

    @Override
    public Object content() {
        return content;
    }

    @Override
    public String proxyName() {
        return proxy;
    }

    public List<VirtualHost> virtualHosts() {
        return virtualHosts;
    }

    public List<IngressRoute> ingressRoutes() {
        return ingressRoutes;
    }

    public UnknownHosts unknownHosts() {
        return unknownHosts;
    }

    /** The virtual host for an authority and the port the caller addressed (0: unknown), or null. */
    public VirtualHost find(String authority, int requestPort) {
        String host = HostNames.hostOf(authority);
        int ap = HostNames.portOf(authority);
        int port = ap > 0 ? ap : requestPort;
        List<VirtualHost> candidates = exact.get(host);
        if (candidates != null) {
            VirtualHost vh = byPort(candidates, port);
            if (vh != null) {
                return vh;
            }
        }
        for (int i = 0; i < wildcards.size(); i++) {
            String suffix = wildcardSuffixes.get(i);
            VirtualHost vh = wildcards.get(i);
            if (host.length() > suffix.length() && host.endsWith(suffix) && portFits(vh, port)) {
                return vh;
            }
        }
        return byPort(catchAll, port);
    }

    private static VirtualHost byPort(List<VirtualHost> candidates, int port) {
        for (int i = 0; i < candidates.size(); i++) {
            if (portFits(candidates.get(i), port)) {
                return candidates.get(i);
            }
        }
        return null;
    }

    private static boolean portFits(VirtualHost vh, int port) {
        return vh.port() == 0 || port <= 0 || vh.port() == port;
    }

    @Override
    public RoutingDecision route(RequestView req, RandomGenerator random) {
        String authority = req.authority() == null ? "" : req.authority();
        VirtualHost vh = find(authority, req.port());
        if (vh == null) {
            return unclaimed(req, authority);
        }
        List<String> trace = new ArrayList<>(4);
        List<CompiledRule> rules = vh.rules();
        for (int i = 0; i < rules.size(); i++) {
            CompiledRule rule = rules.get(i);
            List<RouteMatch> blocks = rule.matches();
            if (blocks.isEmpty()) {
                return decide(rule, null, req, random, trace);
            }
            for (int b = 0; b < blocks.size(); b++) {
                String why = blocks.get(b).test(req);
                if (why == null) {
                    return decide(rule, blocks.get(b), req, random, trace);
                }
                trace.add(blocks.size() == 1 ? rule.title() + " did not match: " + why
                        : rule.title() + " match " + b + " did not match: " + why);
            }
        }
        trace.add("virtual host " + vh.name() + ": no rule matched → 404 NR");
        return noRoute(trace);
    }

    private RoutingDecision unclaimed(RequestView req, String authority) {
        List<String> trace = new ArrayList<>(2);
        if (!ingressRoutes.isEmpty()) {
            String path = req.pathOnly();
            for (IngressRoute r : ingressRoutes) {
                if (path.startsWith(r.prefix())) {
                    trace.add("no Gateway/VirtualService claims " + authority + "; ingress route prefix " + r.prefix()
                            + " → " + r.host());
                    return new RoutingDecision(Outcome.ROUTE, "", -1, "ingress", r.cluster(), r.host(), "", r.port(),
                            null, null, HeaderOps.NONE, HeaderOps.NONE, null, RetryPolicy.ISTIO_DEFAULT, null, List.of(),
                            0, "", null, trace);
                }
            }
        }
        switch (unknownHosts) {
            case ALLOW_ANY: {
                trace.add("no virtual host for " + authority + ": outboundTrafficPolicy ALLOW_ANY → PassthroughCluster");
                int port = HostNames.portOf(authority);
                return new RoutingDecision(Outcome.PASSTHROUGH, "", -1, "allow_any", "PassthroughCluster",
                        HostNames.hostOf(authority), "", port > 0 ? port : req.port(), null, null, null, null, null,
                        RetryPolicy.NONE, null, List.of(), 0, "", null, trace);
            }
            case REGISTRY_ONLY:
                trace.add("no virtual host for " + authority + ": outboundTrafficPolicy REGISTRY_ONLY → BlackHoleCluster 502");
                return new RoutingDecision(Outcome.BLACKHOLE, "", -1, "block_all", "BlackHoleCluster",
                        HostNames.hostOf(authority), "", req.port(), null, null, null, null, null, RetryPolicy.NONE, null,
                        List.of(), 502, "", null, trace);
            default:
                trace.add("no virtual host for " + authority + " on gateway " + proxy + " → 404 NR");
                return noRoute(trace);
        }
    }

    private static RoutingDecision noRoute(List<String> trace) {
        return new RoutingDecision(Outcome.NO_ROUTE, "", -1, "", "", "", "", 0, null, null, null, null, null,
                RetryPolicy.NONE, null, List.of(), 404, "", null, trace);
    }

    private static RoutingDecision decide(CompiledRule rule, RouteMatch block, RequestView req, RandomGenerator random,
                                          List<String> trace) {
        String matched = block == null ? rule.title() + ": matches every request" : rule.title() + ": " + block.description() + " matched";
        switch (rule.outcome()) {
            case REDIRECT: {
                String location = rule.redirect().location(req, block);
                trace.add(matched + " → redirect " + rule.redirect().code() + " " + location);
                return new RoutingDecision(Outcome.REDIRECT, rule.virtualService(), rule.ruleIndex(), rule.routeName(),
                        "", "", "", 0, null, null, HeaderOps.NONE, rule.directResponseHeaders(), null, RetryPolicy.NONE,
                        rule.fault(), List.of(), rule.redirect().code(), location, rule.cors(), trace, rule.kind(),
                        rule.clusterNotFoundStatus());
            }
            case DIRECT_RESPONSE:
                trace.add(matched + " → direct response " + rule.directStatus());
                return new RoutingDecision(Outcome.DIRECT_RESPONSE, rule.virtualService(), rule.ruleIndex(),
                        rule.routeName(), "", "", "", 0, null, null, HeaderOps.NONE, rule.directResponseHeaders(), null,
                        RetryPolicy.NONE, rule.fault(), List.of(), rule.directStatus(), rule.directBody(), rule.cors(), trace,
                        rule.kind(), rule.clusterNotFoundStatus());
            default:
                break;
        }
        WeightedCluster d = pick(rule.destinations(), rule.totalWeight(), random);
        trace.add(matched + " → " + d.description());
        List<Mirror> mirrors = List.of();
        if (!rule.mirrors().isEmpty()) {
            mirrors = new ArrayList<>(rule.mirrors().size());
            for (CompiledRule.MirrorCluster m : rule.mirrors()) {
                mirrors.add(new Mirror(m.cluster(), req.authority(), m.percent()));
            }
        }
        return new RoutingDecision(Outcome.ROUTE, rule.virtualService(), rule.ruleIndex(), rule.routeName(), d.cluster(),
                d.host(), d.subset(), d.port(), rule.rewritePath(req, block), rule.rewriteAuthority(), d.requestHeaders(),
                d.responseHeaders(), rule.timeout(), rule.retry(), rule.fault(), mirrors, 0, "", rule.cors(), trace, rule.kind(),
                rule.clusterNotFoundStatus());
    }

    /** Envoy's weighted_clusters: a uniform draw over the total weight; weights are relative. */
    private static WeightedCluster pick(List<WeightedCluster> destinations, int total, RandomGenerator random) {
        if (destinations.size() == 1 || total <= 0) {
            return destinations.get(0);
        }
        int r = random.nextInt(total);
        for (WeightedCluster d : destinations) {
            r -= d.weight();
            if (r < 0) {
                return d;
            }
        }
        return destinations.get(destinations.size() - 1);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof IstioRouteTable)) {
            return false;
        }
        IstioRouteTable t = (IstioRouteTable) o;
        return proxy.equals(t.proxy) && content.equals(t.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(proxy, virtualHosts, ingressRoutes, unknownHosts);
    }

    @Override
    public String toString() {
        return "IstioRouteTable[" + proxy + ", " + virtualHosts.size() + " virtual hosts, unknown hosts " + unknownHosts + "]";
    }
}
