package dev.loopmesh.controlplane.gatewayapi;

import dev.loopmesh.controlplane.gatewayapi.GatewaySpec.GatewayClass;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.MeshSpec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Gateway API routes the mesh's ingress gateway serves, for tools that act on the ingress edge (the desktop
 * app's faults): routes attached to a Gateway of a class istiod serves, with the services their rules send to.
 */
public final class IngressRoutes {
    /**
     * @param services the mesh services its backendRefs reach (a {@code <service>-<version>} backend counts as its service)
     * @param anyHost  it has no hostnames: it claims every host its listeners accept
     */
    public record Attached(MeshResource resource, Set<String> services, boolean anyHost) {
        public Attached {
            services = Set.copyOf(services);
        }
    }

    /**
     * A route whose parents include mesh Services (GAMMA).
     *
     * @param parents  the mesh services among its parentRefs
     * @param services the mesh services its backendRefs reach, as in {@link Attached}
     */
    public record MeshRoute(MeshResource resource, Set<String> parents, Set<String> services) {
        public MeshRoute {
            parents = Set.copyOf(parents);
            services = Set.copyOf(services);
        }

        /** {@code HTTPRoute default/reviews}. */
        public String label() {
            return resource.kind() + " " + resource.namespace() + "/" + resource.name();
        }
    }

    private IngressRoutes() {
    }

    public static List<Attached> of(MeshSpec mesh, List<MeshResource> resources) {
        Set<String> classes = new LinkedHashSet<>(Set.of(GatewayApiTranslation.DEFAULT_CLASS));
        Set<String> gateways = new LinkedHashSet<>();
        for (MeshResource r : resources) {
            if (GatewayApiBinder.handles(r) && GatewayApiBinder.bind(r).value() instanceof GatewayClass c
                    && c.controllerName().equals(GatewayApiBinder.ISTIO_CONTROLLER)) {
                classes.add(c.name());
            }
        }
        for (MeshResource r : resources) {
            if (GatewayApiBinder.handles(r) && GatewayApiBinder.bind(r).value() instanceof GatewaySpec g && classes.contains(g.className())
                    && g.listeners().stream().anyMatch(l -> l.protocol().equals("HTTP"))) {
                gateways.add(g.key());
            }
        }
        Backends backends = new Backends(mesh, List.of());
        List<Attached> out = new ArrayList<>();
        for (MeshResource r : resources) {
            if (!GatewayApiBinder.handles(r) || !(GatewayApiBinder.bind(r).value() instanceof RouteSpec route)
                    || route.parentRefs().stream().noneMatch(p -> p.isGateway() && gateways.contains(p.namespace() + "/" + p.name()))) {
                continue;
            }
            out.add(new Attached(r, backendServices(backends, route), route.hostnames().isEmpty() || route.hostnames().contains("*")));
        }
        return out;
    }

    /** The routes that mesh Services have as parents (GAMMA), for tools that fault every call to such a service. */
    public static List<MeshRoute> meshRoutes(MeshSpec mesh, List<MeshResource> resources) {
        Backends backends = new Backends(mesh, List.of());
        List<MeshRoute> out = new ArrayList<>();
        for (MeshResource r : resources) {
            if (GatewayApiBinder.handles(r) && GatewayApiBinder.bind(r).value() instanceof RouteSpec route) {
                Set<String> parents = new LinkedHashSet<>();
                for (RouteSpec.ParentRef p : route.parentRefs()) {
                    if (p.isService() && mesh.service(p.name(), p.namespace()).isPresent()) {
                        parents.add(p.name());
                    }
                }
                if (!parents.isEmpty()) {
                    out.add(new MeshRoute(r, parents, backendServices(backends, route)));
                }
            }
        }
        return out;
    }

    private static Set<String> backendServices(Backends backends, RouteSpec route) {
        Set<String> services = new LinkedHashSet<>();
        for (RouteSpec.Rule rule : route.rules()) {
            for (RouteSpec.BackendRef b : rule.backendRefs()) {
                Backends.Resolution res = backends.resolve(b, route.kind(), route.namespace(), false);
                if (res.valid()) {
                    String host = res.destination().host();
                    services.add(host.substring(0, host.indexOf('.')));
                }
            }
        }
        return services;
    }

    /**
     * The services of the mesh that Gateway API routes attach to as their parent (GAMMA), each with the first such
     * route's label ({@code HTTPRoute default/reviews}): their sidecars route calls to them by those routes.
     */
    public static Map<String, String> meshRouted(MeshSpec mesh, List<MeshResource> resources) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (MeshRoute m : meshRoutes(mesh, resources)) {
            m.parents().forEach(p -> out.putIfAbsent(p, m.label()));
        }
        return out;
    }

    /** A route's {@link Faults#ANNOTATION} value for {@code faults} (service → Istio HTTPFaultInjection as plain maps), in flow YAML. */
    public static String annotationValue(Map<String, Map<String, Object>> faults) {
        StringBuilder b = new StringBuilder("{");
        faults.forEach((service, fault) -> {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append(service).append(": ");
            flow(b, fault);
        });
        return b.append('}').toString();
    }

    private static void flow(StringBuilder b, Object v) {
        if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(first ? "" : ", ").append(e.getKey()).append(": ");
                flow(b, e.getValue());
                first = false;
            }
            b.append('}');
        } else {
            b.append(v);
        }
    }
}
