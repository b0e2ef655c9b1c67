package dev.loopmesh.controlplane.gatewayapi;

import dev.loopmesh.controlplane.gatewayapi.GatewaySpec.ReferenceGrant;
import dev.loopmesh.controlplane.gatewayapi.RouteSpec.BackendRef;
import dev.loopmesh.controlplane.istio.VirtualService.Destination;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.ServiceSpec;
import dev.loopmesh.topology.WorkloadSpec;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves backendRefs to the mesh's services, as istiod's buildDestination does. A Service of the mesh is its
 * host; a name {@code <service>-<version>} that no service has is that version of the service, as a Kubernetes
 * Service selecting {@code app: <service>, version: <version>} would be (Istio's bookinfo-versions.yaml declares
 * {@code reviews-v1}, {@code reviews-v2}, … that way): its own cluster, the pods of that version. Anything else is
 * an invalid backend: it keeps its share of the requests, which answer 500.
 */
final class Backends {
    private static final String CLUSTER_SUFFIX = ".svc.cluster.local";

    /**
     * A resolved backend.
     *
     * @param problem why requests to it answer 500, or null when it resolves
     * @param code    the finding's code when {@code problem} is set
     */
    record Resolution(Destination destination, String problem, String code) {
        boolean valid() {
            return problem == null;
        }
    }

    private final MeshSpec mesh;
    private final List<ReferenceGrant> grants;
    /** FQDN → versions reached through a {@code <service>-<version>} name, for their clusters. */
    private final Map<String, Set<String>> versionSubsets = new LinkedHashMap<>();

    Backends(MeshSpec mesh, List<ReferenceGrant> grants) {
        this.mesh = mesh;
        this.grants = List.copyOf(grants);
    }

    Map<String, Set<String>> versionSubsets() {
        return versionSubsets;
    }

    /**
     * @param routeKind       {@code HTTPRoute} or {@code GRPCRoute}
     * @param enforceGrants   a gateway route's cross-namespace reference needs a ReferenceGrant (istiod does not
     *                        enforce them for mesh routes)
     */
    Resolution resolve(BackendRef ref, String routeKind, String routeNamespace, boolean enforceGrants) {
        String host = ref.name() + "." + ref.namespace() + CLUSTER_SUFFIX;
        // istiod routes a backend it may not use to an empty destination: no cluster, so 500; ".invalid" never resolves
        Destination nowhere = new Destination(ref.name() + "." + ref.namespace() + ".backend.invalid", "", ref.port());
        if (!ref.isService()) {
            return new Resolution(nowhere, "backendRef kind " + (ref.group().isEmpty() ? "" : ref.group() + "/")
                    + ref.kind() + " is not supported (expected: a Service): its requests answer 500", GatewayApiCodes.UNSUPPORTED);
        }
        if (enforceGrants && !ref.namespace().equals(routeNamespace) && !granted(routeKind, routeNamespace, ref)) {
            return new Resolution(nowhere, "backendRef " + ref.namespace() + "/" + ref.name()
                    + " is in another namespace and no ReferenceGrant in " + ref.namespace() + " allows " + routeKind
                    + "s of " + routeNamespace + " to refer to it: its requests answer 500", GatewayApiCodes.NOT_PERMITTED);
        }
        Optional<ServiceSpec> service = mesh.service(ref.name(), ref.namespace());
        if (service.isPresent()) {
            return port(service.get(), ref, new Destination(service.get().fqdn(), "", ref.port()));
        }
        for (ServiceSpec s : mesh.services()) {
            if (!s.namespace().equals(ref.namespace()) || !ref.name().startsWith(s.name() + "-")) {
                continue;
            }
            String version = ref.name().substring(s.name().length() + 1);
            for (WorkloadSpec w : s.workloads()) {
                if (w.version().equals(version)) {
                    Resolution r = port(s, ref, new Destination(s.fqdn(), version, ref.port()));
                    if (r.valid()) {
                        versionSubsets.computeIfAbsent(s.fqdn(), k -> new LinkedHashSet<>()).add(version);
                    }
                    return r;
                }
            }
        }
        return new Resolution(new Destination(host, "", ref.port()), "backendRef " + ref.name() + " names no service of the "
                + "mesh in namespace " + ref.namespace() + nearest(ref) + ": its requests answer 500 (istiod: backend not found)",
                GatewayApiCodes.UNKNOWN_BACKEND);
    }

    private static Resolution port(ServiceSpec s, BackendRef ref, Destination d) {
        if (ref.port() != 0 && ref.port() != s.port()) {
            return new Resolution(d, "service " + s.name() + " has no port " + ref.port() + " (expected: " + s.port()
                    + "): its requests answer 500", GatewayApiCodes.UNKNOWN_BACKEND);
        }
        return new Resolution(d, null, null);
    }

    /** " (services: a, b; versions as <service>-<version>: reviews-v1, …)" for the finding. */
    private String nearest(BackendRef ref) {
        List<String> names = new java.util.ArrayList<>();
        for (ServiceSpec s : mesh.services()) {
            if (s.namespace().equals(ref.namespace())) {
                names.add(s.name());
                s.workloads().forEach(w -> names.add(w.name()));
            }
        }
        String near = dev.loopmesh.topology.Suggestions.nearestLoose(ref.name(), names);
        return near != null ? " (did you mean `" + near + "`?)" : names.isEmpty() ? "" : " (expected one of: " + String.join(", ", names) + ")";
    }

    /** A ReferenceGrant in the backend's namespace that lets {@code routeKind}s of the route's namespace refer to it. */
    private boolean granted(String routeKind, String routeNamespace, BackendRef ref) {
        for (ReferenceGrant g : grants) {
            if (!g.namespace().equals(ref.namespace())) {
                continue;
            }
            boolean from = g.from().stream().anyMatch(f -> f.group().equals(GatewayApiBinder.GROUP) && f.kind().equals(routeKind)
                    && f.namespace().equals(routeNamespace));
            boolean to = g.to().stream().anyMatch(t -> t.group().isEmpty() && t.kind().equals("Service")
                    && (t.name().isEmpty() || t.name().equals(ref.name())));
            if (from && to) {
                return true;
            }
        }
        return false;
    }
}
