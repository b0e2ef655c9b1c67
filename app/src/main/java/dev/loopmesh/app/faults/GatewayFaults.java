package dev.loopmesh.app.faults;

import dev.loopmesh.Mesh;
import dev.loopmesh.app.editor.PolicyService;
import dev.loopmesh.app.editor.YamlText;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.istio.IstioTranslator;
import dev.loopmesh.topology.IngressSpec;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.YamlNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Delay and abort on the ingress gateway's edge to a service. A sidecar's VirtualService does not act at
 * the gateway (Istio binds a VirtualService to the gateway only through {@code gateways}), so these go
 * into the gateway's own routes, as a user would write them:
 * <ul>
 * <li>each VirtualService bound to a Gateway that selects the ingress gateway gets the fault on every
 * http rule routing to the service;</li>
 * <li>requests no such VirtualService claims take the Mesh document's ingress routes; unless a bound
 * VirtualService claims every host, a Gateway and a VirtualService named {@value #NAME} take over
 * those routes, in the same order, with the fault on the routes to the service.</li>
 * </ul>
 * Gateway API routes attached to a Gateway the ingress serves get the fault through their annotation
 * (see {@link RouteFaults}), and one without hostnames claims every host as a {@code *} VirtualService does.
 * When the last gateway fault goes, the bound VirtualServices are put back as they were and the two
 * resources of our own are deleted; one edited while the faults were in force keeps the edit, less our
 * faults. A service the gateway has no route to is refused with a message.
 */
final class GatewayFaults {
    static final String NAME = "loopmesh-ingress-faults";
    private static final String GROUP = "networking.istio.io";

    /** A VirtualService bound to the ingress gateway, as it was without our faults. */
    private record Bound(String key, String name, String namespace, String text, Map<String, Object> spec) {
    }

    private record Before(List<Bound> bound, boolean claimsAll) {
    }

    private final Mesh mesh;
    private final PolicyService policies;
    private final RouteFaults routes;
    /** Each bound VirtualService's own version (without our faults), by resource key, while faults are in force. */
    private final Map<String, Bound> bases = new LinkedHashMap<>();
    /** Each bound VirtualService's spec as it went live with our faults: a live spec that differs was edited since. */
    private final Map<String, Object> written = new LinkedHashMap<>();
    private boolean active;

    GatewayFaults(PolicyService policies, RouteFaults routes) {
        this.policies = requireNonNull(policies, "policies");
        this.mesh = policies.mesh();
        this.routes = requireNonNull(routes, "routes");
    }

    /** Whether a fault acts on the gateway's edge. */
    static boolean concerns(FaultTarget t) {
        return t instanceof FaultTarget.Edge e && Registry.GATEWAY.equals(e.sourceWorkload());
    }

    /** Makes the gateway's routes carry exactly {@code faults} (all on gateway edges; empty: none). */
    void apply(List<ActiveFault> faults) {
        if (faults.isEmpty()) {
            restore();
            return;
        }
        Before before = snapshot();
        active = true;
        Map<String, List<ActiveFault>> byService = new LinkedHashMap<>();
        for (ActiveFault f : faults) {
            byService.computeIfAbsent(((FaultTarget.Edge) f.request().target()).service(), k -> new ArrayList<>()).add(f);
        }
        Set<String> routed = new LinkedHashSet<>();
        List<String> docs = new ArrayList<>();
        for (Bound b : before.bound()) {
            docs.add(YamlText.write(boundDocument(b, byService, routed)));
        }
        docs.addAll(routes.documents(byService, routed));
        String ns = mesh.topology().mesh().namespace();
        List<IngressSpec.Route> routes = mesh.topology().mesh().ingress().routes();
        boolean ours = !before.claimsAll() && routes.stream().anyMatch(r -> byService.containsKey(r.service()));
        if (ours) {
            docs.add(YamlText.write(gateway(ns)));
            docs.add(YamlText.write(ingressDocument(ns, routes, byService, routed)));
        }
        List<String> missing = byService.keySet().stream().filter(s -> !routed.contains(s)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the ingress gateway has no route to " + String.join(", ", missing)
                    + ": neither a VirtualService or HTTPRoute bound to it nor an ingress route of the mesh sends requests there");
        }
        PolicyService.Result r = policies.apply(String.join("---\n", docs), "fault");
        if (r.rejected()) {
            throw new IllegalStateException(r.summary());
        }
        written.clear();
        for (Bound b : before.bound()) {
            mesh.controlPlane().resources().stream().filter(x -> x.key().equals(b.key())).findFirst()
                    .ifPresent(live -> written.put(b.key(), YamlText.plain(live.spec())));
        }
        if (!ours) {
            deleteOurs(ns);
        }
    }

    /** The last gateway fault went: each bound VirtualService as its owner left it, without our faults. */
    private void restore() {
        if (!active) {
            return;
        }
        List<String> docs = new ArrayList<>(snapshot().bound().stream().map(Bound::text).toList());
        docs.addAll(routes.restore());
        active = false;
        bases.clear();
        written.clear();
        if (!docs.isEmpty()) {
            PolicyService.Result r = policies.apply(String.join("---\n", docs), "fault");
            if (r.rejected()) {
                throw new IllegalStateException(r.summary());
            }
        }
        deleteOurs(mesh.topology().mesh().namespace());
    }

    /**
     * A bound VirtualService's own version: the one kept from before our first fault, unless it was edited
     * since (in the editor, or by an apply from outside) — then the edit, less the faults we had put in.
     */
    private Bound base(MeshResource r) {
        Object live = YamlText.plain(r.spec());
        Bound kept = bases.get(r.key());
        if (kept != null && live.equals(written.get(r.key()))) {
            return kept;
        }
        String liveText = policies.liveText(r.key()).orElse(YamlText.of(r));
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) MeshFaultInjector.deepCopy((Map<String, Object>) live);
        boolean stripped = kept != null && stripOurFaults(spec, kept.spec(), written.get(r.key()));
        Bound b = new Bound(r.key(), r.name(), r.namespace(),
                stripped ? YamlText.write(document("VirtualService", r.name(), r.namespace(), spec)) : liveText, spec);
        bases.put(r.key(), b);
        return b;
    }

    /**
     * Takes out of an edited spec each rule's fault that is still the one we put there (the rule had none
     * of its own, or another): what the user wrote stays, faults they wrote themselves included.
     */
    private static boolean stripOurFaults(Map<String, Object> edited, Map<String, Object> own, Object wrote) {
        if (!(wrote instanceof Map<?, ?> w) || !(w.get("http") instanceof List<?> ours) || !(edited.get("http") instanceof List<?> rules)) {
            return false;
        }
        List<?> ownRules = own.get("http") instanceof List<?> l ? l : List.of();
        Set<Object> injected = new LinkedHashSet<>();
        for (int i = 0; i < ours.size(); i++) {
            Object fault = ours.get(i) instanceof Map<?, ?> m ? m.get("fault") : null;
            Object ownFault = i < ownRules.size() && ownRules.get(i) instanceof Map<?, ?> m ? m.get("fault") : null;
            if (fault != null && !fault.equals(ownFault)) {
                injected.add(fault);
            }
        }
        boolean any = false;
        for (Object o : rules) {
            if (o instanceof Map<?, ?> rule && rule.get("fault") != null && injected.contains(rule.get("fault"))) {
                rule.remove("fault");
                any = true;
            }
        }
        return any;
    }

    private void deleteOurs(String ns) {
        policies.delete(GROUP + "/VirtualService/" + ns + "/" + NAME, "fault");
        policies.delete(GROUP + "/Gateway/" + ns + "/" + NAME, "fault");
    }

    /** The VirtualServices bound to a Gateway that selects the ingress gateway, and whether one claims every host. */
    private Before snapshot() {
        List<MeshResource> live = mesh.controlPlane().resources();
        Set<String> gateways = new LinkedHashSet<>();
        for (MeshResource r : live) {
            if (r.kind().equals("Gateway") && r.group().equals(GROUP) && !r.name().equals(NAME) && selectsIngress(r)) {
                gateways.add(r.namespace() + "/" + r.name());
            }
        }
        List<Bound> bound = new ArrayList<>();
        boolean claimsAll = false;
        for (MeshResource r : live) {
            if (!r.kind().equals("VirtualService") || !r.group().equals(GROUP) || r.name().equals(NAME)) {
                continue;
            }
            boolean boundHere = strings(r.spec(), "gateways").stream()
                    .anyMatch(g -> gateways.contains(g.indexOf('/') >= 0 ? g : r.namespace() + "/" + g));
            if (boundHere) {
                bound.add(active ? base(r) : remember(r));
                claimsAll |= strings(r.spec(), "hosts").contains("*");
            }
        }
        // a Gateway API route without hostnames claims every host its listeners take
        claimsAll |= routes.attached().stream().anyMatch(dev.loopmesh.controlplane.gatewayapi.IngressRoutes.Attached::anyHost);
        return new Before(List.copyOf(bound), claimsAll);
    }

    /** Before the first fault: the VirtualService as it is is its owner's version. */
    private Bound remember(MeshResource r) {
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) YamlText.plain(r.spec());
        Bound b = new Bound(r.key(), r.name(), r.namespace(), policies.liveText(r.key()).orElse(YamlText.of(r)), spec);
        bases.put(r.key(), b);
        return b;
    }

    private static boolean selectsIngress(MeshResource gateway) {
        if (!(gateway.spec().get("selector").orElse(null) instanceof YamlNode.Mapping m) || m.entries().isEmpty()) {
            return false;
        }
        for (Map.Entry<String, YamlNode> e : m.entries().entrySet()) {
            String want = IstioTranslator.GATEWAY_LABELS.get(e.getKey());
            if (want == null || !(e.getValue() instanceof YamlNode.Scalar s) || !want.equals(s.value())) {
                return false;
            }
        }
        return true;
    }

    private static List<String> strings(YamlNode.Mapping spec, String key) {
        List<String> out = new ArrayList<>();
        if (spec.get(key).orElse(null) instanceof YamlNode.Sequence s) {
            for (YamlNode n : s.items()) {
                if (n instanceof YamlNode.Scalar sc && sc.value() != null) {
                    out.add(sc.value());
                }
            }
        }
        return out;
    }

    /** A bound VirtualService with the fault on each http rule that routes to a faulted service. */
    private static Map<String, Object> boundDocument(Bound b, Map<String, List<ActiveFault>> byService, Set<String> routed) {
        Map<String, Object> spec = MeshFaultInjector.deepCopy(b.spec());
        if (spec.get("http") instanceof List<?> rules) {
            for (Object o : rules) {
                if (!(o instanceof Map<?, ?>)) {
                    continue;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> rule = (Map<String, Object>) o;
                // a rule routing to several faulted services takes the first one's fault (a rule has one)
                boolean done = false;
                for (String host : destinations(rule)) {
                    for (Map.Entry<String, List<ActiveFault>> e : byService.entrySet()) {
                        if (MeshFaultInjector.names(host, e.getKey(), b.namespace())) {
                            if (!done) {
                                rule.put("fault", MeshFaultInjector.faultOf(e.getValue()));
                                done = true;
                            }
                            routed.add(e.getKey());
                        }
                    }
                }
            }
        }
        return document("VirtualService", b.name(), b.namespace(), spec);
    }

    private static List<String> destinations(Map<String, Object> rule) {
        List<String> out = new ArrayList<>();
        if (rule.get("route") instanceof List<?> route) {
            for (Object d : route) {
                if (d instanceof Map<?, ?> m && m.get("destination") instanceof Map<?, ?> dest && dest.get("host") instanceof String h) {
                    out.add(h);
                }
            }
        }
        return out;
    }

    private static Map<String, Object> gateway(String ns) {
        Map<String, Object> port = new LinkedHashMap<>();
        port.put("number", 80);
        port.put("name", "http");
        port.put("protocol", "HTTP");
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("port", port);
        server.put("hosts", List.of("*"));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("selector", new LinkedHashMap<>(Map.of("istio", IstioTranslator.GATEWAY_LABELS.get("istio"))));
        spec.put("servers", List.of(server));
        return document("Gateway", NAME, ns, spec);
    }

    /** The mesh's ingress routes as one VirtualService on our Gateway, in order, faults on those to faulted services. */
    private static Map<String, Object> ingressDocument(String ns, List<IngressSpec.Route> routes, Map<String, List<ActiveFault>> byService,
                                                       Set<String> routed) {
        List<Object> http = new ArrayList<>();
        for (IngressSpec.Route r : routes) {
            Map<String, Object> destination = new LinkedHashMap<>();
            destination.put("host", r.service() + "." + r.namespace() + ".svc.cluster.local");
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("match", List.of(Map.of("uri", Map.of("prefix", r.prefix()))));
            rule.put("route", List.of(Map.of("destination", destination)));
            List<ActiveFault> faults = byService.get(r.service());
            if (faults != null) {
                rule.put("fault", MeshFaultInjector.faultOf(faults));
                routed.add(r.service());
            }
            http.add(rule);
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("hosts", List.of("*"));
        spec.put("gateways", List.of(NAME));
        spec.put("http", http);
        return document("VirtualService", NAME, ns, spec);
    }

    private static Map<String, Object> document(String kind, String name, String ns, Map<String, Object> spec) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        metadata.put("namespace", ns);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", GROUP + "/v1");
        doc.put("kind", kind);
        doc.put("metadata", metadata);
        doc.put("spec", spec);
        return doc;
    }
}
