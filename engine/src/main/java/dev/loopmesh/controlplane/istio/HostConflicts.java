package dev.loopmesh.controlplane.istio;

import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * istioctl analyze IST0109 (ConflictingMeshGatewayVirtualServiceHosts): VirtualServices bound to the mesh
 * gateway that define the same host where the same namespace sees them. Istio calls the outcome undefined;
 * its sidecars keep only the first VirtualService for the host ({@link VirtualServiceOrder}) and ignore the
 * others, which the message names. Istio merges VirtualServices only on gateways, so those are not reported.
 * Each VirtualService of a conflict gets the error, as istioctl reports it.
 */
final class HostConflicts {
    private static final String ALL = "*";

    private HostConflicts() {
    }

    /** A host as seen in one namespace, or everywhere ({@code *}). */
    private record ScopedHost(String scope, String host) {
    }

    static List<Problem> check(IstioConfig config, List<MeshResource> resources) {
        Map<ScopedHost, Set<VirtualService>> byHost = new LinkedHashMap<>();
        for (VirtualService vs : config.virtualServices) {
            // generated from Gateway API routes: RouteConflicts reports those
            if (!RouteTableBuilder.boundToMesh(vs) || vs.gatewaySemantics()) {
                continue;
            }
            for (String scope : scopes(vs)) {
                for (String h : vs.hosts()) {
                    byHost.computeIfAbsent(new ScopedHost(scope, HostNames.fqdn(h, vs.namespace())), k -> new LinkedHashSet<>()).add(vs);
                }
            }
        }
        // what is exported everywhere also conflicts with what one namespace sees of the same host
        for (ScopedHost everywhere : List.copyOf(byHost.keySet())) {
            if (!everywhere.scope().equals(ALL)) {
                continue;
            }
            boolean scoped = false;
            for (Map.Entry<ScopedHost, Set<VirtualService>> e : byHost.entrySet()) {
                if (!e.getKey().scope().equals(ALL) && e.getKey().host().equals(everywhere.host())) {
                    e.getValue().addAll(byHost.get(everywhere));
                    scoped = true;
                }
            }
            if (scoped) {
                byHost.remove(everywhere);
            }
        }
        List<Problem> out = new ArrayList<>();
        for (Map.Entry<ScopedHost, Set<VirtualService>> e : byHost.entrySet()) {
            if (e.getValue().size() < 2) {
                continue;
            }
            String scope = e.getKey().scope();
            List<VirtualService> ordered = VirtualServiceOrder.visibleTo(List.copyOf(e.getValue()), scope.equals(ALL) ? "" : scope);
            String names = ordered.stream().map(VirtualService::key).collect(Collectors.joining(", "));
            String winner = ordered.get(0).key();
            for (VirtualService vs : ordered) {
                MeshResource res = resource(resources, vs);
                if (res == null) {
                    continue;
                }
                out.add(Problem.error(IstioCodes.HOST_CONFLICT, References.at(res, "spec.hosts"), "spec.hosts",
                        "the VirtualServices " + names + " bound to the mesh gateway define the same host " + e.getKey().host()
                                + (scope.equals(ALL) ? "" : " for namespace " + scope)
                                + ", which Istio leaves undefined (IST0109): sidecars use only " + winner
                                + (vs.key().equals(winner) ? "" : " and ignore this one for that host")
                                + " (expected: merge them into one VirtualService, or scope them apart with exportTo)"));
            }
        }
        return out;
    }

    /** Where a VirtualService is seen: * for everywhere, else the namespaces of its exportTo ("." is its own). */
    private static Set<String> scopes(VirtualService vs) {
        Set<String> out = new LinkedHashSet<>();
        if (vs.exportTo().isEmpty() || vs.exportTo().contains(ALL)) {
            out.add(ALL);
            return out;
        }
        for (String e : vs.exportTo()) {
            out.add(e.equals(".") ? vs.namespace() : e);
        }
        return out;
    }

    private static MeshResource resource(List<MeshResource> resources, VirtualService vs) {
        for (MeshResource r : resources) {
            if (r.kind().equals("VirtualService") && r.name().equals(vs.name()) && r.namespace().equals(vs.namespace())) {
                return r;
            }
        }
        return null;
    }
}
