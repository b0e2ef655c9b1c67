package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.InboundConfig;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.Translator;
import dev.loopmesh.controlplane.gatewayapi.GatewayApiBinder;
import dev.loopmesh.controlplane.gatewayapi.GatewayApiTranslation;
import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.ServiceSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * istiod for Loopmesh: Istio {@code networking.istio.io} resources to one {@link ProxySnapshot} per
 * sidecar pod (keyed by pod name) and one for the ingress gateway ({@link Registry#GATEWAY}).
 * Stateless and deterministic: the same registry and resources give equal snapshots.
 */
public final class IstioTranslator implements Translator {
    /** The labels of the ingress gateway pod, as Istio's default install gives them. */
    public static final Map<String, String> GATEWAY_LABELS = Map.of("istio", "ingressgateway", "app", "istio-ingressgateway");

    @Override
    public List<Problem> validate(MeshResource resource, Registry registry) {
        if (dev.loopmesh.security.SecurityBinder.handles(resource)) {
            return dev.loopmesh.security.SecurityBinder.validate(resource);
        }
        if (GatewayApiBinder.handles(resource)) {
            return GatewayApiTranslation.validate(registry.mesh(), resource);
        }
        if (!IstioBinder.handles(resource)) {
            return List.of();
        }
        IstioBinder.Bound bound = IstioBinder.bind(resource);
        List<Problem> out = new ArrayList<>(bound.problems());
        if (bound.value() instanceof VirtualService) {
            IstioConfig config = new IstioConfig(registry, List.of());
            out.addAll(References.hosts((VirtualService) bound.value(), resource, config));
        }
        return out;
    }

    @Override
    public List<Problem> validate(MeshResource resource, Registry registry, List<MeshResource> context) {
        if (dev.loopmesh.security.SecurityBinder.handles(resource)) {
            return dev.loopmesh.security.SecurityBinder.validate(resource, context);
        }
        if (GatewayApiBinder.handles(resource)) {
            // what a route does depends on its Gateways and ReferenceGrants: translate it with the resources it joins
            List<MeshResource> with = new ArrayList<>();
            boolean replaced = false;
            for (MeshResource r : context) {
                boolean same = r.key().equals(resource.key());
                with.add(same ? resource : r);
                replaced |= same;
            }
            if (!replaced) {
                with.add(resource);
            }
            return GatewayApiTranslation.translate(registry.mesh(), with, GATEWAY_LABELS).problemsOf(resource);
        }
        return validate(resource, registry);
    }

    /**
     * Cross-resource findings, like {@code istioctl analyze}: subsets no DestinationRule defines,
     * delegates and gateways that do not exist (errors), destination hosts nobody knows and
     * VirtualServices that lose a host to an older one (warnings).
     */
    public List<Problem> analyze(Registry registry, List<MeshResource> resources) {
        IstioConfig config = new IstioConfig(registry, resources);
        List<Problem> out = new ArrayList<>(config.problems);
        out.addAll(References.check(config, resources));
        out.addAll(dev.loopmesh.security.SecurityAnalyzer.analyze(registry, resources, translate(registry, resources, 0)));
        return out;
    }

    @Override
    public Map<String, ProxySnapshot> translate(Registry registry, List<MeshResource> resources, long version) {
        IstioConfig config = new IstioConfig(registry, resources);
        Map<String, ProxySnapshot> out = new LinkedHashMap<>();
        dev.loopmesh.security.SecurityTranslator security = dev.loopmesh.security.SecurityTranslator.of(resources);
        // Sidecars of one namespace whose labels select the same resources get the same routes and
        // clusters: translate once per such shape and share the result (istiod does the same with its
        // per-proxy-type caches), so a mesh of N services costs N, not N², per push.
        List<Map<String, String>> selectors = selectors(config);
        Map<Shape, ProxySnapshot> shapes = new HashMap<>();
        Map<Shape, ProxySnapshot> before = lastShapes;
        Map<Object, Map<Object, Boolean>> compared = new java.util.IdentityHashMap<>();
        for (PodInfo pod : registry.pods()) {
            if (pod.sidecar()) {
                Shape shape = new Shape(pod.namespace(), matches(pod.labels(), selectors));
                ProxySnapshot shared = shapes.computeIfAbsent(shape, k -> {
                    ProxyContext ctx = new ProxyContext(pod.name(), pod.namespace(), pod.labels(), false, Set.of());
                    ProxySnapshot fresh = sidecar(config, ctx, version, InboundConfig.DEFAULT);
                    ProxySnapshot old = before.get(k);
                    // the same content as last time: keep those instances, so comparing per pod is cheap
                    return old != null && old.sameContent(forPod(fresh, old.proxy(), version, InboundConfig.DEFAULT), compared)
                            ? forPod(old, pod.name(), version, InboundConfig.DEFAULT) : fresh;
                });
                out.put(pod.name(), forPod(shared, pod.name(), version, InboundConfig.DEFAULT.withSecurity(security.inbound(pod))));
            }
        }
        lastShapes = shapes;
        out.put(Registry.GATEWAY, gateway(config, version, InboundConfig.DEFAULT.withSecurity(
                security.gateway(Registry.GATEWAY_NAMESPACE, GATEWAY_LABELS))));
        return out;
    }

    /** The namespace and which label selectors match: all a sidecar's outbound config depends on. */
    private record Shape(String namespace, java.util.BitSet matches) {
    }

    private volatile Map<Shape, ProxySnapshot> lastShapes = Map.of();

    private static ProxySnapshot forPod(ProxySnapshot shared, String pod, long version, InboundConfig inbound) {
        return new ProxySnapshot(pod, version, ((IstioRouteTable) shared.routes()).forProxy(pod), shared.clusters(), inbound,
                shared.resources(), shared.tcpRoutes(), shared.invalid());
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The label selectors a sidecar's translation evaluates: VirtualService sourceLabels (http and tcp) and Sidecar workloadSelectors. */
    private static List<Map<String, String>> selectors(IstioConfig config) {
        Set<Map<String, String>> out = new java.util.LinkedHashSet<>();
        for (VirtualService vs : config.virtualServices) {
            for (VirtualService.HttpRule rule : vs.http()) {
                for (VirtualService.HttpMatch m : rule.match()) {
                    if (!m.sourceLabels().isEmpty()) {
                        out.add(m.sourceLabels());
                    }
                }
            }
        }
        for (VirtualService vs : config.virtualServices) {
            for (VirtualService.TcpRule rule : concat(vs.tcp(), vs.tls())) {
                for (VirtualService.L4Match m : rule.match()) {
                    if (!m.sourceLabels().isEmpty()) {
                        out.add(m.sourceLabels());
                    }
                }
            }
        }
        for (Sidecar sc : config.sidecars) {
            if (!sc.workloadSelector().isEmpty()) {
                out.add(sc.workloadSelector());
            }
        }
        return List.copyOf(out);
    }

    private static java.util.BitSet matches(Map<String, String> labels, List<Map<String, String>> selectors) {
        java.util.BitSet bits = new java.util.BitSet(selectors.size());
        for (int i = 0; i < selectors.size(); i++) {
            if (labels.entrySet().containsAll(selectors.get(i).entrySet())) {
                bits.set(i);
            }
        }
        return bits;
    }

    private static ProxySnapshot sidecar(IstioConfig config, ProxyContext ctx, long version, InboundConfig inbound) {
        Set<String> used = new TreeSet<>();
        Sidecar sc = sidecarFor(config, ctx);
        if (sc != null) {
            used.add("Sidecar " + sc.key());
        }
        RouteTableBuilder.Visibility visible = (host, ns) -> visible(sc, host, ns, ctx.namespace());
        List<VirtualHost> hosts = new RouteTableBuilder(config).sidecar(ctx, visible, used);
        IstioRouteTable.UnknownHosts unknown = sc != null && "REGISTRY_ONLY".equals(sc.outboundTrafficPolicyMode())
                ? IstioRouteTable.UnknownHosts.REGISTRY_ONLY : IstioRouteTable.UnknownHosts.ALLOW_ANY;
        IstioRouteTable table = new IstioRouteTable(ctx.id(), hosts, List.of(), unknown);
        Map<String, dev.loopmesh.policy.routing.TcpListenerRoutes> tcp = new TcpRouteBuilder(config).sidecar(ctx,
                tcpTargets(config, ctx, visible), used);
        // once per shape: the pods of the shape share this cluster map, and with it the verdict
        Map<String, ClusterConfig> clusters = Map.copyOf(clusters(config, ctx, visible, used));
        return new ProxySnapshot(ctx.id(), version, table, clusters, inbound, List.copyOf(used), tcp, invalid(clusters));
    }

    private static ProxySnapshot gateway(IstioConfig config, long version, InboundConfig inbound) {
        Set<String> names = new TreeSet<>();
        for (Gateway g : config.gateways) {
            if (!g.selector().isEmpty() && GATEWAY_LABELS.entrySet().containsAll(g.selector().entrySet())) {
                names.add(g.key());
            }
        }
        ProxyContext ctx = new ProxyContext(Registry.GATEWAY, Registry.GATEWAY_NAMESPACE, GATEWAY_LABELS, true, names);
        Set<String> used = new TreeSet<>();
        RouteTableBuilder builder = new RouteTableBuilder(config);
        List<VirtualHost> hosts = builder.gateway(ctx, used);
        IstioRouteTable table = new IstioRouteTable(ctx.id(), hosts, builder.ingress(), IstioRouteTable.UnknownHosts.NOT_FOUND);
        Map<String, ClusterConfig> clusters = Map.copyOf(clusters(config, ctx, (h, ns) -> true, used));
        return new ProxySnapshot(ctx.id(), version, table, clusters, inbound, List.copyOf(used), Map.of(), invalid(clusters));
    }

    /**
     * Why a proxy cannot load {@code clusters} (it NACKs the snapshot and keeps its last good one), or "":
     * a connection pool must allow a connection.
     */
    static String invalid(Map<String, ClusterConfig> clusters) {
        for (ClusterConfig c : clusters.values()) {
            if (c.connectionPool().maxConnections() < 1) {
                return "cluster " + c.name() + ": maxConnections " + c.connectionPool().maxConnections() + " (expected: >= 1)";
            }
        }
        return "";
    }

    /**
     * The TCP ports a sidecar listens for: every {@code protocol: tcp} service it sees, then every TCP-like port
     * ({@link ServiceEntries#isTcp}) of the ServiceEntries exported to it, for hosts no service has.
     */
    private static List<TcpRouteBuilder.Target> tcpTargets(IstioConfig config, ProxyContext ctx, RouteTableBuilder.Visibility visible) {
        List<TcpRouteBuilder.Target> out = new java.util.ArrayList<>();
        for (ServiceSpec s : config.services.values()) {
            if (s.protocol() == dev.loopmesh.topology.Protocol.TCP && visible.test(s.fqdn(), s.namespace())) {
                out.add(new TcpRouteBuilder.Target(s.fqdn(), s.namespace(), s.port()));
            }
        }
        for (ServiceEntry se : config.serviceEntries) {
            if (!IstioConfig.exported(se.exportTo(), se.namespace(), ctx.namespace())) {
                continue;
            }
            for (String h : se.hosts()) {
                String host = HostNames.fqdn(h, se.namespace());
                if (host.startsWith("*") || config.services.containsKey(host) || !visible.test(host, se.namespace())) {
                    continue;
                }
                for (ServiceEntry.Port port : se.ports()) {
                    if (ServiceEntries.isTcp(port)) {
                        out.add(new TcpRouteBuilder.Target(host, se.namespace(), port.number()));
                    }
                }
            }
        }
        return out;
    }

    private static Map<String, ClusterConfig> clusters(IstioConfig config, ProxyContext ctx,
                                                       RouteTableBuilder.Visibility visible, Set<String> used) {
        Map<String, ClusterConfig> clusters = new LinkedHashMap<>();
        ClusterBuilder cb = new ClusterBuilder(config);
        for (ServiceSpec s : config.services.values()) {
            if (visible.test(s.fqdn(), s.namespace())) {
                cb.service(s, ctx, clusters, used);
            }
        }
        for (ServiceEntry se : config.serviceEntries) {
            if (!IstioConfig.exported(se.exportTo(), se.namespace(), ctx.namespace())) {
                continue;
            }
            for (String h : se.hosts()) {
                String host = HostNames.fqdn(h, se.namespace());
                if (!config.services.containsKey(host) && visible.test(host, se.namespace())) {
                    cb.serviceEntry(se, host, ctx, clusters, used);
                }
            }
        }
        return clusters;
    }

    /** The Sidecar for a pod: one selecting it in its namespace, else its namespace's default, else the mesh's. */
    static Sidecar sidecarFor(IstioConfig config, ProxyContext ctx) {
        for (Sidecar s : config.sidecars) {
            if (s.namespace().equals(ctx.namespace()) && !s.workloadSelector().isEmpty()
                    && ctx.labels().entrySet().containsAll(s.workloadSelector().entrySet())) {
                return s;
            }
        }
        for (String ns : new String[] {ctx.namespace(), IstioConfig.ROOT_NAMESPACE}) {
            for (Sidecar s : config.sidecars) {
                if (s.namespace().equals(ns) && s.workloadSelector().isEmpty()) {
                    return s;
                }
            }
        }
        return null;
    }

    /** Sidecar egress hosts ({@code namespace/dnsName}): without any, everything is visible. */
    static boolean visible(Sidecar sc, String host, String hostNamespace, String proxyNamespace) {
        if (sc == null || sc.egressHosts().isEmpty()) {
            return true;
        }
        for (String e : sc.egressHosts()) {
            int slash = e.indexOf('/');
            String ns = e.substring(0, slash);
            String dns = e.substring(slash + 1).toLowerCase(java.util.Locale.ROOT);
            // "." is the Sidecar's own namespace, "*" any namespace, "~" none
            boolean nsOk = ns.equals("*") || (ns.equals(".") ? hostNamespace.equals(sc.namespace()) : ns.equals(hostNamespace));
            if (nsOk && (dns.equals("*") || HostNames.matches(dns, host))) {
                return true;
            }
        }
        return false;
    }
}
