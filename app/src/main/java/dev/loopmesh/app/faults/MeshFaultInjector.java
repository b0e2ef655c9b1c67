package dev.loopmesh.app.faults;

import dev.loopmesh.Mesh;
import dev.loopmesh.app.editor.PolicyService;
import dev.loopmesh.app.editor.YamlText;
import dev.loopmesh.controlplane.gatewayapi.Faults;
import dev.loopmesh.controlplane.gatewayapi.IngressRoutes;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.YamlNode;
import dev.loopmesh.workload.WorkloadServer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * Faults with what the engine offers today: delay and abort as Istio fault injection (the service's
 * VirtualService, rewritten with a {@code fault} on each rule, or a new one; an edge's fault only for
 * requests whose {@code sourceLabels} are the caller's; the ingress gateway's edge in the gateway's own
 * routes, see {@link GatewayFaults}; a service a mesh (GAMMA) HTTPRoute routes in that route's annotation, see
 * {@link RouteFaults}), and pod kill and pause through the pod's workload server.
 * Removing the last fault of a service puts its VirtualService (or route) back as it was.
 */
public final class MeshFaultInjector implements FaultInjector {
    private static final Set<FaultKind> SUPPORTED = EnumSet.of(FaultKind.DELAY, FaultKind.ABORT, FaultKind.KILL_POD, FaultKind.PAUSE_POD);
    private static final String VS_GROUP = "networking.istio.io";

    /** A service's VirtualService before the first fault: {@code text} null when there was none. */
    private record Base(String name, String namespace, String text, Map<String, Object> spec) {
    }

    private final Mesh mesh;
    private final PolicyService policies;
    private final Map<String, ActiveFault> faults = new LinkedHashMap<>();
    private final Map<String, Base> bases = new HashMap<>();
    private final GatewayFaults gateway;
    private final RouteFaults routes;
    /** The ids of the faults in a mesh route's annotation. */
    private final Set<String> onRoutes = new HashSet<>();
    private int next;

    public MeshFaultInjector(PolicyService policies) {
        this.policies = requireNonNull(policies, "policies");
        this.mesh = policies.mesh();
        this.routes = new RouteFaults(policies);
        this.gateway = new GatewayFaults(policies, routes);
    }

    @Override
    public Set<FaultKind> supported() {
        return SUPPORTED;
    }

    @Override
    public ActiveFault inject(FaultRequest request) {
        if (!SUPPORTED.contains(request.kind())) {
            throw new IllegalArgumentException(request.kind().word() + " needs the chaos engine, which this mesh does not offer yet");
        }
        ActiveFault fault = new ActiveFault("fault-" + ++next, request, Instant.now());
        if (request.kind().isPolicy() && GatewayFaults.concerns(request.target())) {
            faults.put(fault.id(), fault);
            try {
                gateway.apply(gatewayFaults());
            } catch (RuntimeException e) {
                faults.remove(fault.id());
                gateway.apply(gatewayFaults());
                throw e;
            }
            return fault;
        }
        if (request.kind().isPolicy()) {
            String service = serviceOf(request.target());
            String route = IngressRoutes.meshRouted(mesh.topology().mesh(), mesh.controlPlane().resources()).get(service);
            if (route != null) {
                // a VirtualService with the fault would lose the host to the route on the sidecars (istiod's order)
                if (request.target() instanceof FaultTarget.Edge) {
                    throw new IllegalArgumentException(service + " is routed by " + route + " (Gateway API): its faults go in the "
                            + "route's annotation " + Faults.ANNOTATION + ", which has no source match, so a fault on one caller's "
                            + "edge cannot be expressed; inject it on " + service + " itself (every caller)");
                }
                faults.put(fault.id(), fault);
                onRoutes.add(fault.id());
                try {
                    routes.applyMesh(routeFaults());
                } catch (RuntimeException e) {
                    faults.remove(fault.id());
                    onRoutes.remove(fault.id());
                    routes.applyMesh(routeFaults());
                    throw e;
                }
                return fault;
            }
            bases.computeIfAbsent(service, this::baseOf);
            faults.put(fault.id(), fault);
            try {
                rewrite(service);
            } catch (RuntimeException e) {
                faults.remove(fault.id());
                rewrite(service);
                throw e;
            }
            return fault;
        }
        WorkloadServer pod = pod(request.target());
        if (request.kind() == FaultKind.KILL_POD) {
            await(pod.stop(), "stop");
        } else {
            pod.pause();
        }
        faults.put(fault.id(), fault);
        return fault;
    }

    @Override
    public boolean remove(String id) {
        ActiveFault f = faults.remove(id);
        if (f == null) {
            return false;
        }
        FaultRequest r = f.request();
        if (onRoutes.remove(id)) {
            routes.applyMesh(routeFaults());
        } else if (r.kind().isPolicy() && GatewayFaults.concerns(r.target())) {
            gateway.apply(gatewayFaults());
        } else if (r.kind().isPolicy()) {
            rewrite(serviceOf(r.target()));
        } else {
            boolean stillHeld = faults.values().stream().anyMatch(o -> o.request().kind() == r.kind() && o.request().target().equals(r.target()));
            if (!stillHeld) {
                WorkloadServer pod = pod(r.target());
                if (r.kind() == FaultKind.KILL_POD) {
                    await(pod.start(), "start");
                } else {
                    pod.resume();
                }
            }
        }
        return true;
    }

    @Override
    public List<ActiveFault> active() {
        return List.copyOf(faults.values());
    }

    private List<ActiveFault> gatewayFaults() {
        return faults.values().stream().filter(f -> f.request().kind().isPolicy() && GatewayFaults.concerns(f.request().target())).toList();
    }

    /** The faults in mesh routes' annotations, by service. */
    private Map<String, List<ActiveFault>> routeFaults() {
        Map<String, List<ActiveFault>> out = new LinkedHashMap<>();
        for (ActiveFault f : faults.values()) {
            if (onRoutes.contains(f.id())) {
                out.computeIfAbsent(serviceOf(f.request().target()), k -> new ArrayList<>()).add(f);
            }
        }
        return out;
    }

    private WorkloadServer pod(FaultTarget target) {
        if (!(target instanceof FaultTarget.Pod p)) {
            throw new IllegalArgumentException("a pod fault needs a pod (got " + target.describe() + ")");
        }
        return Optional.ofNullable(mesh.workloads()).flatMap(w -> w.pod(p.pod()))
                .orElseThrow(() -> new IllegalArgumentException("no pod " + p.pod() + " with an emulated app"));
    }

    private static void await(java.util.concurrent.CompletableFuture<?> f, String what) {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + " the pod: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the pod did not " + what + " within 10 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String serviceOf(FaultTarget t) {
        if (t instanceof FaultTarget.Service s) {
            return s.service();
        }
        if (t instanceof FaultTarget.Edge e) {
            return e.service();
        }
        throw new IllegalArgumentException("delay and abort act on a service or an edge (got " + t.describe() + ")");
    }

    /** The live VirtualService for the service's host, if any. */
    private Base baseOf(String service) {
        String ns = mesh.topology().mesh().namespace();
        for (MeshResource r : mesh.controlPlane().resources()) {
            if (r.kind().equals("VirtualService") && r.group().equals(VS_GROUP) && hostsOf(r).stream().anyMatch(h -> names(h, service, ns))
                    && !r.spec().entries().containsKey("gateways")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> spec = (Map<String, Object>) YamlText.plain(r.spec());
                return new Base(r.name(), r.namespace(), policies.liveText(r.key()).orElse(null), spec);
            }
        }
        return new Base(service + "-faults", ns, null, null);
    }

    static List<String> hostsOf(MeshResource r) {
        List<String> out = new ArrayList<>();
        if (r.spec().get("hosts").orElse(null) instanceof YamlNode.Sequence s) {
            for (YamlNode n : s.items()) {
                if (n instanceof YamlNode.Scalar sc && sc.value() != null) {
                    out.add(sc.value());
                }
            }
        }
        if (r.spec().get("host").orElse(null) instanceof YamlNode.Scalar sc && sc.value() != null) {
            out.add(sc.value());
        }
        return out;
    }

    /** Whether a host as written ({@code reviews}, {@code reviews.default}, the FQDN) names the service. */
    public static boolean names(String host, String service, String namespace) {
        return host.equals(service) || host.equals(service + "." + namespace) || host.equals(service + "." + namespace + ".svc.cluster.local");
    }

    private void rewrite(String service) {
        Base base = bases.get(service);
        List<ActiveFault> mine = faults.values().stream().filter(f -> f.request().kind().isPolicy())
                .filter(f -> !GatewayFaults.concerns(f.request().target()) && !onRoutes.contains(f.id()))
                .filter(f -> serviceOf(f.request().target()).equals(service)).toList();
        String key = VS_GROUP + "/VirtualService/" + base.namespace() + "/" + base.name();
        if (mine.isEmpty()) {
            bases.remove(service);
            PolicyService.Result r = base.text() != null ? policies.apply(base.text(), "fault") : policies.delete(key, "fault");
            if (r.rejected()) {
                throw new IllegalStateException(r.summary());
            }
            return;
        }
        String yaml = YamlText.write(document(base, service, mine));
        PolicyService.Result r = policies.apply(yaml, "fault");
        if (!r.applied() && r.rejected()) {
            throw new IllegalStateException(r.summary());
        }
    }

    /** The service's VirtualService with the faults: edge faults as rules of their own first, then the service's rules. */
    static Map<String, Object> document(Base base, String service, List<ActiveFault> faults) {
        Map<String, Object> spec = base.spec() == null ? new LinkedHashMap<>() : deepCopy(base.spec());
        spec.putIfAbsent("hosts", new ArrayList<>(List.of(service)));
        List<Map<String, Object>> rules = new ArrayList<>();
        if (spec.get("http") instanceof List<?> l && !l.isEmpty()) {
            for (Object o : l) {
                rules.add(asMap(o));
            }
        } else {
            rules.add(new LinkedHashMap<>(Map.of("route", List.of(Map.of("destination", Map.of("host", service))))));
        }
        Map<String, Object> serviceFault = faultOf(faults.stream().filter(f -> f.request().target() instanceof FaultTarget.Service).toList());
        Map<FaultTarget.Edge, List<ActiveFault>> byEdge = new LinkedHashMap<>();
        for (ActiveFault f : faults) {
            if (f.request().target() instanceof FaultTarget.Edge e) {
                byEdge.computeIfAbsent(e, k -> new ArrayList<>()).add(f);
            }
        }
        List<Object> out = new ArrayList<>();
        for (Map.Entry<FaultTarget.Edge, List<ActiveFault>> e : byEdge.entrySet()) {
            Map<String, Object> fault = new LinkedHashMap<>(serviceFault);
            fault.putAll(faultOf(e.getValue()));
            Map<String, Object> labels = new LinkedHashMap<>();
            labels.put("app", e.getKey().sourceService());
            if (e.getKey().sourceVersion() != null && !e.getKey().sourceVersion().isEmpty()) {
                labels.put("version", e.getKey().sourceVersion());
            }
            for (Map<String, Object> rule : rules) {
                Map<String, Object> copy = new LinkedHashMap<>();
                List<Object> match = new ArrayList<>();
                if (rule.get("match") instanceof List<?> blocks && !blocks.isEmpty()) {
                    for (Object b : blocks) {
                        Map<String, Object> block = deepCopy(asMap(b));
                        block.put("sourceLabels", labels);
                        match.add(block);
                    }
                } else {
                    match.add(new LinkedHashMap<>(Map.of("sourceLabels", labels)));
                }
                copy.put("match", match);
                deepCopy(rule).forEach((k, v) -> {
                    if (!k.equals("match") && !k.equals("name")) {
                        copy.put(k, v);
                    }
                });
                copy.put("fault", fault);
                out.add(copy);
            }
        }
        for (Map<String, Object> rule : rules) {
            Map<String, Object> copy = deepCopy(rule);
            if (!serviceFault.isEmpty()) {
                copy.put("fault", serviceFault);
            }
            out.add(copy);
        }
        spec.put("http", out);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", base.name());
        metadata.put("namespace", base.namespace());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", "networking.istio.io/v1");
        doc.put("kind", "VirtualService");
        doc.put("metadata", metadata);
        doc.put("spec", spec);
        return doc;
    }

    static Map<String, Object> faultOf(List<ActiveFault> faults) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ActiveFault f : faults) {
            FaultRequest r = f.request();
            Map<String, Object> pct = Map.of("value", YamlText.number(r.percent()));
            if (r.kind() == FaultKind.DELAY) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("fixedDelay", YamlText.duration(r.millis()));
                d.put("percentage", pct);
                out.put("delay", d);
            } else if (r.kind() == FaultKind.ABORT) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("httpStatus", r.status());
                a.put("percentage", pct);
                out.put("abort", a);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepCopyValue(T v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, deepCopyValue(x)));
            return (T) out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(deepCopyValue(x)));
            return (T) out;
        }
        return v;
    }

    static Map<String, Object> deepCopy(Map<String, Object> m) {
        return deepCopyValue(m);
    }
}
