package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.gatewayapi.GatewayApiTranslation;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.ServiceSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Istio resources of a mesh, bound and indexed. A resource that does not bind cleanly is left out
 * (the control plane rejects it; it is never half-applied). Order is the order given, which stands in
 * for Kubernetes' creation time wherever Istio says "the oldest wins".
 */
final class IstioConfig {
    static final String ROOT_NAMESPACE = "istio-system";

    final Registry registry;
    final List<VirtualService> virtualServices = new ArrayList<>();
    final List<DestinationRule> destinationRules = new ArrayList<>();
    final List<Gateway> gateways = new ArrayList<>();
    final List<ServiceEntry> serviceEntries = new ArrayList<>();
    final List<Sidecar> sidecars = new ArrayList<>();
    final List<Problem> problems = new ArrayList<>();
    /** by FQDN */
    final Map<String, ServiceSpec> services = new LinkedHashMap<>();
    /** Gateway API resources as istiod converts them: their VirtualServices and Gateways are in the lists above. */
    final GatewayApiTranslation gatewayApi;

    IstioConfig(Registry registry, List<MeshResource> resources) {
        this.registry = registry;
        for (ServiceSpec s : registry.mesh().services()) {
            services.put(s.fqdn(), s);
        }
        gatewayApi = GatewayApiTranslation.translate(registry.mesh(), resources, IstioTranslator.GATEWAY_LABELS);
        List<GatewayApiTranslation.Generated> generated = gatewayApi.virtualServices();
        problems.addAll(gatewayApi.problems());
        gateways.addAll(gatewayApi.gateways());
        for (int i = 0; i < resources.size(); i++) {
            MeshResource r = resources.get(i);
            // a generated VirtualService takes the place of the route that created it (creation order)
            for (GatewayApiTranslation.Generated g : generated) {
                if (g.resourceIndex() == i) {
                    virtualServices.add(g.virtualService());
                }
            }
            if (!IstioBinder.handles(r)) {
                continue;
            }
            IstioBinder.Bound b = IstioBinder.bind(r);
            problems.addAll(b.problems());
            Object v = b.value();
            if (v instanceof VirtualService) {
                virtualServices.add((VirtualService) v);
            } else if (v instanceof DestinationRule) {
                destinationRules.add((DestinationRule) v);
            } else if (v instanceof Gateway) {
                gateways.add((Gateway) v);
            } else if (v instanceof ServiceEntry) {
                serviceEntries.add((ServiceEntry) v);
            } else if (v instanceof Sidecar) {
                sidecars.add((Sidecar) v);
            }
        }
    }

    VirtualService virtualService(String name, String namespace) {
        for (VirtualService vs : virtualServices) {
            if (vs.name().equals(name) && vs.namespace().equals(namespace) && !vs.gatewaySemantics()) {
                return vs;
            }
        }
        return null;
    }

    /** The ServiceEntry that declares {@code host} (first one wins), or null. */
    ServiceEntry serviceEntry(String host) {
        for (ServiceEntry se : serviceEntries) {
            for (String h : se.hosts()) {
                if (HostNames.fqdn(h, se.namespace()).equals(host)) {
                    return se;
                }
            }
        }
        return null;
    }

    boolean known(String host) {
        return services.containsKey(host) || serviceEntry(host) != null;
    }

    /** The port a destination without {@code port} goes to: the only port of its service, else 0. */
    int defaultPort(String host) {
        ServiceSpec s = services.get(host);
        if (s != null) {
            return s.port();
        }
        ServiceEntry se = serviceEntry(host);
        return se != null && se.ports().size() == 1 ? se.ports().get(0).number() : 0;
    }

    /**
     * The DestinationRule for {@code host} as seen from {@code proxyNamespace}: Istio looks in the
     * proxy's namespace, then the host's, then the root namespace; the most specific host wins.
     */
    DestinationRule destinationRule(String host, String hostNamespace, String proxyNamespace) {
        for (String ns : new String[] {proxyNamespace, hostNamespace, ROOT_NAMESPACE}) {
            DestinationRule best = null;
            String bestHost = null;
            for (DestinationRule dr : destinationRules) {
                if (!dr.namespace().equals(ns) || dr.host().isEmpty()) {
                    continue;
                }
                if (!ns.equals(proxyNamespace) && !exported(dr.exportTo(), dr.namespace(), proxyNamespace)) {
                    continue;
                }
                String h = HostNames.fqdn(dr.host(), dr.namespace());
                if (HostNames.matches(h, host) && (bestHost == null || moreSpecific(h, bestHost))) {
                    best = dr;
                    bestHost = h;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return null;
    }

    private static boolean moreSpecific(String a, String b) {
        if (a.startsWith("*") != b.startsWith("*")) {
            return !a.startsWith("*");
        }
        return a.length() > b.length();
    }

    /** exportTo: absent or "*" everywhere, "." the own namespace, else the namespaces named. */
    static boolean exported(List<String> exportTo, String ownNamespace, String to) {
        if (exportTo.isEmpty()) {
            return true;
        }
        for (String e : exportTo) {
            if (e.equals("*") || e.equals(to) || e.equals(".") && ownNamespace.equals(to)) {
                return true;
            }
        }
        return false;
    }

    /** The namespace a host lives in: its service's, its ServiceEntry's, or "" when unknown. */
    String namespaceOf(String host) {
        ServiceSpec s = services.get(host);
        if (s != null) {
            return s.namespace();
        }
        ServiceEntry se = serviceEntry(host);
        return se == null ? "" : se.namespace();
    }
}
