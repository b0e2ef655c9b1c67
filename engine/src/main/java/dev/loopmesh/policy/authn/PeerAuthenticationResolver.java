package dev.loopmesh.policy.authn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which PeerAuthentication governs a workload, as Istio resolves it: the workload-specific policy
 * (a selector matching the pod, in its namespace) over the namespace-wide one (no selector) over the
 * mesh-wide one (no selector, root namespace); the oldest wins among equals (here: the first written).
 * UNSET inherits from the next scope out; the mesh default is PERMISSIVE. {@code portLevelMtls} counts
 * only in a policy with a selector, and its UNSET ports inherit the policy's resolved mode.
 */
public final class PeerAuthenticationResolver {
    public static final String ROOT_NAMESPACE = "istio-system";

    private final List<PeerAuthentication> policies;
    private final String rootNamespace;

    public PeerAuthenticationResolver(List<PeerAuthentication> policies) {
        this(policies, ROOT_NAMESPACE);
    }

    public PeerAuthenticationResolver(List<PeerAuthentication> policies, String rootNamespace) {
        this.policies = List.copyOf(policies);
        this.rootNamespace = rootNamespace;
    }

    public List<PeerAuthentication> policies() {
        return policies;
    }

    public InboundMtls resolve(String namespace, Map<String, String> labels) {
        PeerAuthentication mesh = first(rootNamespace, null);
        PeerAuthentication ns = namespace.equals(rootNamespace) ? null : first(namespace, null);
        PeerAuthentication workload = first(namespace, labels);
        MtlsMode mode = MtlsMode.PERMISSIVE;
        String by = "";
        for (PeerAuthentication p : new PeerAuthentication[] {mesh, ns, workload}) {
            if (p != null && p.mode() != MtlsMode.UNSET) {
                mode = p.mode();
                by = p.label();
            }
        }
        Map<Integer, MtlsMode> ports = new LinkedHashMap<>();
        if (workload != null) {
            for (Map.Entry<Integer, MtlsMode> e : workload.portLevel().entrySet()) {
                ports.put(e.getKey(), e.getValue() == MtlsMode.UNSET ? mode : e.getValue());
            }
        }
        return new InboundMtls(mode, ports, by);
    }

    /** The first policy in {@code namespace}: namespace-wide when {@code labels} is null, else one whose selector matches. */
    private PeerAuthentication first(String namespace, Map<String, String> labels) {
        for (PeerAuthentication p : policies) {
            if (!p.namespace().equals(namespace)) {
                continue;
            }
            if (labels == null ? p.selector() == null
                    : p.selector() != null && !p.selector().isEmpty() && labels.entrySet().containsAll(p.selector().entrySet())) {
                return p;
            }
        }
        return null;
    }

    /** Policies that lose to an older one of the same scope (istioctl would flag a conflict). */
    public List<PeerAuthentication> shadowed() {
        List<PeerAuthentication> out = new ArrayList<>();
        Map<String, PeerAuthentication> wide = new LinkedHashMap<>();
        for (PeerAuthentication p : policies) {
            if (p.selector() == null && wide.putIfAbsent(p.namespace(), p) != null) {
                out.add(p);
            }
        }
        return out;
    }
}
