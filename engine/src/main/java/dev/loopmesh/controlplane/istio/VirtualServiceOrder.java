package dev.loopmesh.controlplane.istio;

import java.util.ArrayList;
import java.util.List;

/**
 * The order in which istiod hands a proxy the VirtualServices it can see (SelectVirtualServices for sidecars,
 * VirtualServicesForGateway for gateways), which decides who wins a host two of them claim: first those
 * private to the proxy's namespace ({@code exportTo: [.]}), then those exported to it by name, then the
 * public ones. Within each group those generated from Gateway API routes of the proxy's own namespace come first
 * (istiod's "consumer override": a namespace's HTTPRoute wins over a VirtualService for the same host on its
 * sidecars), then the plain ones, then the roots of a delegation (istiod appends the merged roots after the
 * others), each in creation order (resource order here).
 */
final class VirtualServiceOrder {
    private VirtualServiceOrder() {
    }

    /** The VirtualServices a proxy in {@code namespace} sees, in istiod's order; those it cannot see are left out. */
    static List<VirtualService> visibleTo(List<VirtualService> all, String namespace) {
        List<List<VirtualService>> groups = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            groups.add(new ArrayList<>());
        }
        for (VirtualService vs : all) {
            int group = group(vs, namespace);
            if (group >= 0) {
                int within = vs.gatewaySemantics() && vs.namespace().equals(namespace) ? 0 : isRoot(vs) ? 2 : 1;
                groups.get(group * 3 + within).add(vs);
            }
        }
        List<VirtualService> out = new ArrayList<>();
        groups.forEach(out::addAll);
        return out;
    }

    /** 0 private to the namespace, 1 exported to it by name, 2 public, -1 not visible there. */
    private static int group(VirtualService vs, String namespace) {
        List<String> e = vs.exportTo();
        if (e.isEmpty() || e.contains("*")) {
            return 2;
        }
        if (e.contains("~")) {
            return -1; // "~": exported nowhere, whatever else is listed
        }
        if (vs.namespace().equals(namespace) && (e.contains(".") || e.contains(namespace))) {
            return 0;
        }
        return e.contains(namespace) ? 1 : -1;
    }

    static boolean isRoot(VirtualService vs) {
        return vs.http().stream().anyMatch(r -> r.delegate() != null);
    }
}
