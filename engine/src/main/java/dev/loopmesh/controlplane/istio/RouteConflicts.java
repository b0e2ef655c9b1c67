package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.gatewayapi.GatewayApiCodes;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A host that a Gateway API route and a VirtualService both route on sidecars. istiod does not merge them: it hands
 * a sidecar the VirtualServices it sees in its order ({@link VirtualServiceOrder}, where the routes of the sidecar's
 * own namespace come first), and the sidecar keeps the first for the host. Each side gets a warning that says which
 * one the sidecars of each namespace use, so the one that does nothing is not a mystery.
 */
final class RouteConflicts {
    private RouteConflicts() {
    }

    static List<Problem> check(IstioConfig config, List<MeshResource> resources) {
        Map<String, List<VirtualService>> byHost = new LinkedHashMap<>();
        for (VirtualService vs : config.virtualServices) {
            if (RouteTableBuilder.boundToMesh(vs)) {
                for (String h : vs.hosts()) {
                    byHost.computeIfAbsent(HostNames.fqdn(h, vs.namespace()), k -> new ArrayList<>()).add(vs);
                }
            }
        }
        Set<String> namespaces = new TreeSet<>();
        for (PodInfo p : config.registry.pods()) {
            if (p.sidecar()) {
                namespaces.add(p.namespace());
            }
        }
        List<Problem> out = new ArrayList<>();
        for (Map.Entry<String, List<VirtualService>> e : byHost.entrySet()) {
            List<VirtualService> claims = e.getValue();
            if (claims.stream().noneMatch(VirtualService::gatewaySemantics) || claims.stream().allMatch(VirtualService::gatewaySemantics)) {
                continue;
            }
            Map<String, List<String>> users = new LinkedHashMap<>();
            for (String ns : namespaces) {
                List<VirtualService> seen = VirtualServiceOrder.visibleTo(claims, ns);
                if (!seen.isEmpty()) {
                    users.computeIfAbsent(describe(seen.get(0)), k -> new ArrayList<>()).add(ns);
                }
            }
            List<String> parts = new ArrayList<>();
            users.forEach((who, where) -> parts.add("namespace" + (where.size() == 1 ? " " : "s ") + String.join(", ", where) + ": " + who));
            Set<String> names = new LinkedHashSet<>();
            claims.forEach(vs -> names.add(describe(vs)));
            String message = String.join(" and ", names) + (names.size() == 2 ? " both" : " all") + " route host " + e.getKey() + " on sidecars; istiod does not "
                    + "merge them, each sidecar uses the first it sees (Gateway API routes of its own namespace first): "
                    + String.join("; ", parts) + " (expected: one of them for this host)";
            for (VirtualService vs : claims) {
                for (MeshResource res : owners(vs, resources)) {
                    String path = vs.gatewaySemantics() ? "spec.parentRefs" : "spec.hosts";
                    out.add(Problem.warning(GatewayApiCodes.ROUTE_CONFLICT, References.at(res, path), path, message));
                }
            }
        }
        return out;
    }

    private static String describe(VirtualService vs) {
        return String.join(" + ", RouteTableBuilder.sources(vs));
    }

    /** The resources a VirtualService comes from: itself, or the routes it was generated from. */
    private static List<MeshResource> owners(VirtualService vs, List<MeshResource> resources) {
        Set<String> sources = RouteTableBuilder.sources(vs);
        List<MeshResource> out = new ArrayList<>();
        for (MeshResource r : resources) {
            boolean ours = vs.gatewaySemantics() ? sources.contains(r.kind() + " " + r.namespace() + "/" + r.name())
                    && r.group().equals(dev.loopmesh.controlplane.gatewayapi.GatewayApiBinder.GROUP)
                    : r.group().equals(IstioBinder.GROUP) && r.kind().equals("VirtualService") && r.name().equals(vs.name())
                    && r.namespace().equals(vs.namespace());
            if (ours) {
                out.add(r);
            }
        }
        return out;
    }
}
