package dev.loopmesh.controlplane.istio;

import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.topology.IngressSpec;
import dev.loopmesh.topology.ServiceSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds one proxy's virtual hosts. For a sidecar: one per visible service (its VirtualService's rules,
 * or a default route), one per ServiceEntry host and port, one per other VirtualService host. For the
 * gateway: one per host that a VirtualService bound to a Gateway selecting it claims.
 *
 * <p>Several VirtualServices for one host (istioctl analyze IST0109): on a sidecar the first one in
 * istiod's order wins and the others are ignored for that host ({@link VirtualServiceOrder}: private to the
 * proxy's namespace, exported to it, public; plain before delegation roots; then creation time, which
 * resource order stands for); on a gateway their rules are merged in that order and the catch-all routes
 * are moved last (istiod's SortVHostRoutes).
 */
final class RouteTableBuilder {
    private final IstioConfig config;
    private final RuleCompiler compiler;

    RouteTableBuilder(IstioConfig config) {
        this.config = config;
        this.compiler = new RuleCompiler(config);
    }

    static boolean boundToMesh(VirtualService vs) {
        return vs.gateways().isEmpty() || vs.gateways().contains("mesh");
    }

    /** Host (FQDN or wildcard) → the VirtualService that routes it on a sidecar: the first in istiod's order. */
    static Map<String, VirtualService> meshClaims(IstioConfig config, ProxyContext proxy) {
        Map<String, VirtualService> claims = new LinkedHashMap<>();
        for (VirtualService vs : VirtualServiceOrder.visibleTo(config.virtualServices, proxy.namespace())) {
            if (!boundToMesh(vs)) {
                continue;
            }
            for (String h : vs.hosts()) {
                claims.putIfAbsent(HostNames.fqdn(h, vs.namespace()), vs);
            }
        }
        return claims;
    }

    List<VirtualHost> sidecar(ProxyContext proxy, Visibility visible, Set<String> used) {
        Map<String, VirtualService> claims = meshClaims(config, proxy);
        Map<VirtualService, List<CompiledRule>> compiled = new LinkedHashMap<>();
        Set<String> covered = new LinkedHashSet<>();
        List<VirtualHost> out = new ArrayList<>();
        for (ServiceSpec s : config.services.values()) {
            if (!visible.test(s.fqdn(), s.namespace())) {
                continue;
            }
            covered.add(s.fqdn());
            List<String> names = new ArrayList<>(List.of(s.fqdn(), s.name() + "." + s.namespace() + ".svc",
                    s.name() + "." + s.namespace()));
            if (s.namespace().equals(proxy.namespace())) {
                names.add(s.name());
            }
            addHost(out, s.fqdn() + ":" + s.port(), names, s.port(), claim(claims, s.fqdn()), s.fqdn(), proxy,
                    compiled, used);
        }
        for (ServiceEntry se : config.serviceEntries) {
            if (!IstioConfig.exported(se.exportTo(), se.namespace(), proxy.namespace())) {
                continue;
            }
            for (String h : se.hosts()) {
                String host = HostNames.fqdn(h, se.namespace());
                if (config.services.containsKey(host) || !visible.test(host, se.namespace()) || !covered.add(host)) {
                    continue;
                }
                used.add("ServiceEntry " + se.key());
                for (ServiceEntry.Port port : se.ports()) {
                    addHost(out, host + ":" + port.number(), List.of(host), port.number(), claim(claims, host), host,
                            proxy, compiled, used);
                }
            }
        }
        for (Map.Entry<String, VirtualService> e : claims.entrySet()) {
            if (!covered.contains(e.getKey())) {
                addHost(out, e.getKey(), List.of(e.getKey()), 0, e.getValue(), null, proxy, compiled, used);
            }
        }
        return out;
    }

    private void addHost(List<VirtualHost> out, String name, List<String> hosts, int port, VirtualService vs,
                         String defaultHost, ProxyContext proxy, Map<VirtualService, List<CompiledRule>> compiled,
                         Set<String> used) {
        List<CompiledRule> rules;
        if (vs == null) {
            rules = List.of(RuleCompiler.defaultRoute(defaultHost, port));
        } else {
            rules = compiled.computeIfAbsent(vs, v -> compiler.compile(v, proxy, used));
            used.addAll(sources(vs));
            if (rules.isEmpty()) {
                return; // claimed, but nothing applies here: istiod builds no virtual host
            }
        }
        out.add(new VirtualHost(name, hosts, port, rules));
    }

    /** What a VirtualService stands for in a proxy's resources: itself, or the Gateway API routes it was generated from. */
    static Set<String> sources(VirtualService vs) {
        if (!vs.gatewaySemantics()) {
            return Set.of("VirtualService " + vs.key());
        }
        Set<String> out = new LinkedHashSet<>();
        for (VirtualService.HttpRule r : vs.http()) {
            if (r.origin() != null) {
                out.add(r.origin().resource());
            }
        }
        return out;
    }

    /** The VirtualService claiming {@code host}: an exact host first, else the most specific wildcard. */
    static VirtualService claim(Map<String, VirtualService> claims, String host) {
        VirtualService exact = claims.get(host);
        if (exact != null) {
            return exact;
        }
        VirtualService best = null;
        int bestLength = -1;
        for (Map.Entry<String, VirtualService> e : claims.entrySet()) {
            if (e.getKey().startsWith("*") && HostNames.matches(e.getKey(), host) && e.getKey().length() > bestLength) {
                best = e.getValue();
                bestLength = e.getKey().length();
            }
        }
        return best;
    }

    List<VirtualHost> gateway(ProxyContext proxy, Set<String> used) {
        Map<String, List<CompiledRule>> byDomain = new LinkedHashMap<>();
        for (VirtualService vs : VirtualServiceOrder.visibleTo(config.virtualServices, proxy.namespace())) {
            List<CompiledRule> rules = null;
            for (String ref : vs.gateways()) {
                String key = RuleCompiler.gatewayKey(ref, vs.namespace());
                Gateway gw = config.gateways.stream().filter(g -> g.key().equals(key)).findFirst().orElse(null);
                if (gw == null || !proxy.gatewayNames().contains(key)) {
                    continue;
                }
                for (String d : domains(vs, gw)) {
                    if (rules == null) {
                        rules = compiler.compile(vs, proxy, used);
                        used.addAll(sources(vs));
                    }
                    used.add(gw.source());
                    List<CompiledRule> list = byDomain.computeIfAbsent(d, k -> new ArrayList<>());
                    for (CompiledRule r : rules) {
                        if (!list.contains(r)) {
                            list.add(r);
                        }
                    }
                }
            }
        }
        List<VirtualHost> out = new ArrayList<>();
        byDomain.forEach((d, rules) -> {
            if (!rules.isEmpty()) {
                out.add(new VirtualHost(d, List.of(d), 0, catchAllsLast(rules)));
            }
        });
        return out;
    }

    /**
     * istiod's SortVHostRoutes on a gateway's virtual host: catch-all routes move to the end, the others keep
     * their order, so one VirtualService's {@code prefix: /} does not hide the routes another one adds. A
     * rule is one Envoy route per match block, so a rule mixing catch-all and other blocks is split.
     */
    static List<CompiledRule> catchAllsLast(List<CompiledRule> rules) {
        List<CompiledRule> first = new ArrayList<>();
        List<CompiledRule> last = new ArrayList<>();
        for (CompiledRule r : rules) {
            if (r.catchAll()) {
                last.add(r);
            } else if (r.matches().stream().noneMatch(RouteMatch::catchAll)) {
                first.add(r);
            } else {
                for (RouteMatch m : r.matches()) {
                    (m.catchAll() ? last : first).add(r.withMatches(List.of(m)));
                }
            }
        }
        if (last.isEmpty()) {
            return rules;
        }
        first.addAll(last);
        return first;
    }

    /** The hosts of {@code vs} that a server of {@code gw} accepts (server hosts may be {@code ns/host}). */
    private static Set<String> domains(VirtualService vs, Gateway gw) {
        Set<String> out = new LinkedHashSet<>();
        for (String h : vs.hosts()) {
            String host = HostNames.fqdn(h, vs.namespace());
            for (Gateway.Server s : gw.servers()) {
                for (String sh : s.hosts()) {
                    int slash = sh.indexOf('/');
                    String ns = slash < 0 ? "*" : sh.substring(0, slash);
                    String pattern = (slash < 0 ? sh : sh.substring(slash + 1)).toLowerCase(java.util.Locale.ROOT);
                    if (ns.equals(".") ? !vs.namespace().equals(gw.namespace()) : !ns.equals("*") && !ns.equals(vs.namespace())) {
                        continue;
                    }
                    String d = HostNames.intersect(host, pattern);
                    if (d != null) {
                        out.add(d);
                    }
                }
            }
        }
        return out;
    }

    List<IstioRouteTable.IngressRoute> ingress() {
        List<IstioRouteTable.IngressRoute> out = new ArrayList<>();
        for (IngressSpec.Route r : config.registry.mesh().ingress().routes()) {
            ServiceSpec s = config.registry.mesh().service(r.service(), r.namespace()).orElse(null);
            if (s != null) {
                out.add(new IstioRouteTable.IngressRoute(r.prefix(), s.fqdn(), s.port(),
                        ClusterConfig.name("outbound", s.port(), "", s.fqdn())));
            }
        }
        return out;
    }

    /** Which hosts a proxy sees (Sidecar egress). */
    interface Visibility {
        boolean test(String host, String hostNamespace);
    }
}
