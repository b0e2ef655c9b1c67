package dev.loopmesh.controlplane.gatewayapi;

import dev.loopmesh.controlplane.gatewayapi.GatewaySpec.Listener;
import dev.loopmesh.controlplane.gatewayapi.RouteSpec.ParentRef;
import dev.loopmesh.controlplane.istio.HostNames;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.ServiceSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves a route's parentRefs as istiod does (extractParentReferenceInfo, referenceAllowed): a Service of the mesh
 * makes it a mesh route (GAMMA) for that service's host; a Gateway of a class istiod serves attaches it to each
 * listener that admits it (sectionName, port, protocol, route kind, namespace, hostname). A parent that does not
 * exist or does not admit the route is a warning: the route does nothing there.
 */
final class Parents {
    /**
     * Where a route's rules go.
     *
     * @param gateway  the generated Istio Gateway's {@code namespace/name}, or {@code mesh}
     * @param key      which generated VirtualService the rules join (istiod: one per gateway and host, or per
     *                 namespace, port and host for mesh routes)
     * @param hosts    the generated VirtualServices' hosts
     * @param exportTo empty for everywhere; a consumer route (in another namespace than its Service) only its own
     * @param port     for a mesh route, the parentRef's port (0 for any)
     */
    record Parent(String gateway, String key, List<String> hosts, List<String> exportTo, int port) {
        boolean mesh() {
            return gateway.equals("mesh");
        }
    }

    private final MeshSpec mesh;
    private final Map<String, GatewaySpec> gateways;
    private final Set<String> servedClasses;

    Parents(MeshSpec mesh, Map<String, GatewaySpec> gateways, Set<String> servedClasses) {
        this.mesh = mesh;
        this.gateways = gateways;
        this.servedClasses = servedClasses;
    }

    /** The name istiod gives the Istio Gateway of a Gateway API Gateway's listener. */
    static String internalName(GatewaySpec gw, Listener l) {
        return gw.name() + "-" + GatewayApiTranslation.GENERATED + "-" + l.name();
    }

    List<Parent> resolve(RouteSpec route, List<Problem> problems) {
        List<Parent> out = new ArrayList<>();
        for (ParentRef ref : route.parentRefs()) {
            if (ref.isService()) {
                service(route, ref, problems).ifPresent(out::add);
            } else if (ref.isGateway()) {
                out.addAll(gateway(route, ref, problems));
            } else {
                problems.add(Problem.warning(GatewayApiCodes.UNSUPPORTED, ref.position(), ref.path(), "parentRef "
                        + (ref.group().isEmpty() ? "" : ref.group() + "/") + ref.kind() + " " + ref.name() + " is not supported "
                        + "(expected: a Gateway, or a Service with group \"\" for mesh routing): the route does nothing there"));
            }
        }
        return out;
    }

    private Optional<Parent> service(RouteSpec route, ParentRef ref, List<Problem> problems) {
        ServiceSpec s = mesh.service(ref.name(), ref.namespace()).orElse(null);
        if (s == null) {
            String near = dev.loopmesh.topology.Suggestions.nearestLoose(ref.name(),
                    mesh.services().stream().filter(x -> x.namespace().equals(ref.namespace())).map(ServiceSpec::name).toList());
            problems.add(Problem.warning(GatewayApiCodes.UNKNOWN_PARENT, ref.position(), ref.path(), "parent Service "
                    + ref.namespace() + "/" + ref.name() + " is not a service of the mesh: the route does nothing there"
                    + (near != null ? " (did you mean `" + near + "`?)" : "")));
            return Optional.empty();
        }
        if (ref.port() != 0 && ref.port() != s.port()) {
            problems.add(Problem.warning(GatewayApiCodes.UNKNOWN_PARENT, ref.position(), ref.path(), "service " + s.name()
                    + " has no port " + ref.port() + " (expected: " + s.port() + "): the route does nothing there"));
            return Optional.empty();
        }
        // GAMMA: a producer route (the Service's namespace) applies to every client; a consumer route only to its own namespace
        List<String> exportTo = route.namespace().equals(s.namespace()) ? List.of() : List.of(route.namespace());
        String key = route.namespace() + (ref.port() == 0 ? "" : "/" + ref.port()) + "/" + s.fqdn();
        return Optional.of(new Parent("mesh", key, List.of(s.fqdn()), exportTo, ref.port()));
    }

    private List<Parent> gateway(RouteSpec route, ParentRef ref, List<Problem> problems) {
        GatewaySpec gw = gateways.get(ref.namespace() + "/" + ref.name());
        if (gw == null) {
            problems.add(Problem.warning(GatewayApiCodes.UNKNOWN_PARENT, ref.position(), ref.path(), "parent Gateway "
                    + ref.namespace() + "/" + ref.name() + " does not exist: the route does nothing there"));
            return List.of();
        }
        if (!servedClasses.contains(gw.className())) {
            problems.add(Problem.warning(GatewayApiCodes.UNKNOWN_PARENT, ref.position(), ref.path(), "parent Gateway "
                    + gw.key() + " has gatewayClassName " + gw.className() + ", which the mesh's ingress gateway does not serve "
                    + "(expected: istio, or a GatewayClass with controllerName " + GatewayApiBinder.ISTIO_CONTROLLER + ")"));
            return List.of();
        }
        List<Parent> out = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Listener l : gw.listeners()) {
            if (!ref.sectionName().isEmpty() && !ref.sectionName().equals(l.name()) || ref.port() != 0 && ref.port() != l.port()) {
                continue;
            }
            String why = refusal(route, gw, l);
            if (why != null) {
                refused.add("listener " + l.name() + ": " + why);
                continue;
            }
            List<String> hosts = route.hostnames().isEmpty() ? List.of("*") : route.hostnames();
            String name = gw.namespace() + "/" + internalName(gw, l);
            for (String h : hosts) {
                out.add(new Parent(name, name + "/" + h, List.of(h), List.of(), 0));
            }
        }
        if (out.isEmpty()) {
            String what = refused.isEmpty() ? "it has no listener" + (ref.sectionName().isEmpty() ? "" : " named " + ref.sectionName())
                    + (ref.port() == 0 ? "" : " on port " + ref.port()) : String.join("; ", refused);
            problems.add(Problem.warning(GatewayApiCodes.UNKNOWN_PARENT, ref.position(), ref.path(), "Gateway " + gw.key()
                    + " does not accept " + route.label() + ": " + what + ", so the route does nothing there"));
        }
        return out;
    }

    /** Why a listener does not admit the route, or null when it does. */
    private static String refusal(RouteSpec route, GatewaySpec gw, Listener l) {
        if (!l.protocol().equals("HTTP")) {
            return "protocol " + l.protocol() + " is not served";
        }
        if (!l.admits(route.kind())) {
            return "kind " + route.kind() + " is not in its allowedRoutes.kinds";
        }
        if (!l.admitsNamespace(route.namespace(), gw.namespace())) {
            return "routes of namespace " + route.namespace() + " are not allowed (allowedRoutes.namespaces.from: " + l.from() + ")";
        }
        if (!l.hostname().isEmpty() && !route.hostnames().isEmpty()
                && route.hostnames().stream().noneMatch(h -> HostNames.intersect(h, l.hostname()) != null)) {
            return "no hostname of the route matches its hostname " + l.hostname();
        }
        return null;
    }
}
