package dev.loopmesh.app.faults;

import dev.loopmesh.Mesh;
import dev.loopmesh.app.editor.PolicyService;
import dev.loopmesh.app.editor.YamlText;
import dev.loopmesh.controlplane.gatewayapi.Faults;
import dev.loopmesh.controlplane.gatewayapi.IngressRoutes;
import dev.loopmesh.topology.MeshResource;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Delay and abort through a Gateway API route. The Gateway API has no fault filter, so the fault goes where Loopmesh
 * reads one for such a route: its annotation {@value Faults#ANNOTATION}, by backend service; the route's spec stays as
 * its owner wrote it. Two kinds of fault land there, each kept apart and merged on the route they share:
 * <ul>
 * <li>{@link Layer#INGRESS}: the ingress gateway's edge to a service that a route attached to the ingress sends to;</li>
 * <li>{@link Layer#MESH}: every call to a service that a mesh (GAMMA) route has as its parent — a VirtualService with
 * the fault would lose the host to the route on the sidecars. The annotation has no source match, so it cannot
 * carry one caller's edge.</li>
 * </ul>
 * When a route's last fault goes, it is put back as it was, or, when it was edited meanwhile, as edited without the
 * annotation.
 */
final class RouteFaults {
    /** Who put faults on a route. */
    enum Layer { INGRESS, MESH }

    /** A route's own text (before our first fault, or as edited since, without ours), and its spec as our last write left it. */
    private record Base(String text, Object spec) {
    }

    private final Mesh mesh;
    private final PolicyService policies;
    private final Map<String, Base> bases = new LinkedHashMap<>();
    /** Each layer's faults: route key → service → Istio HTTPFaultInjection. */
    private final Map<Layer, Map<String, Map<String, Map<String, Object>>>> wanted = new EnumMap<>(Layer.class);

    RouteFaults(PolicyService policies) {
        this.policies = requireNonNull(policies, "policies");
        this.mesh = policies.mesh();
    }

    /** The routes the ingress serves. */
    List<IngressRoutes.Attached> attached() {
        return IngressRoutes.of(mesh.topology().mesh(), mesh.controlPlane().resources());
    }

    /**
     * The documents that put {@code byService}'s ingress faults on the attached routes sending requests to those
     * services (and take the ingress faults off the others); {@code routed} collects the services they reach.
     */
    List<String> documents(Map<String, List<ActiveFault>> byService, Set<String> routed) {
        Map<String, Map<String, Map<String, Object>>> byRoute = new LinkedHashMap<>();
        for (IngressRoutes.Attached a : attached()) {
            Map<String, Map<String, Object>> faults = new LinkedHashMap<>();
            for (Map.Entry<String, List<ActiveFault>> e : byService.entrySet()) {
                if (a.services().contains(e.getKey())) {
                    faults.put(e.getKey(), MeshFaultInjector.faultOf(e.getValue()));
                    routed.add(e.getKey());
                }
            }
            if (!faults.isEmpty()) {
                byRoute.put(a.resource().key(), faults);
            }
        }
        return documents(Layer.INGRESS, byRoute);
    }

    /** The documents that take the ingress faults off every route that has them. */
    List<String> restore() {
        return documents(Layer.INGRESS, Map.of());
    }

    /**
     * Makes the mesh routes carry exactly {@code byService}'s faults (each on every call to a service such a route has
     * as parent, so on every rule of the route: under each service its backends reach), and applies them.
     */
    void applyMesh(Map<String, List<ActiveFault>> byService) {
        Map<String, Map<String, Map<String, Object>>> byRoute = new LinkedHashMap<>();
        for (IngressRoutes.MeshRoute m : IngressRoutes.meshRoutes(mesh.topology().mesh(), mesh.controlPlane().resources())) {
            Map<String, List<ActiveFault>> byBackend = new LinkedHashMap<>();
            for (Map.Entry<String, List<ActiveFault>> e : byService.entrySet()) {
                if (!m.parents().contains(e.getKey())) {
                    continue;
                }
                if (m.parents().size() > 1) {
                    throw new IllegalArgumentException(e.getKey() + " is routed by " + m.label() + ", which is also the route of " + String.join(", ", m.parents().stream()
                            .filter(p -> !p.equals(e.getKey())).sorted().toList()) + ": a fault in its annotation "
                            + Faults.ANNOTATION + " would act on those calls too");
                }
                for (String backend : m.services().isEmpty() ? Set.of(e.getKey()) : m.services()) {
                    byBackend.computeIfAbsent(backend, k -> new ArrayList<>()).addAll(e.getValue());
                }
            }
            if (!byBackend.isEmpty()) {
                Map<String, Map<String, Object>> faults = new LinkedHashMap<>();
                byBackend.forEach((backend, f) -> faults.put(backend, MeshFaultInjector.faultOf(f)));
                byRoute.put(m.resource().key(), faults);
            }
        }
        List<String> docs = documents(Layer.MESH, byRoute);
        if (!docs.isEmpty()) {
            PolicyService.Result r = policies.apply(String.join("---\n", docs), "fault");
            if (r.rejected()) {
                throw new IllegalStateException(r.summary());
            }
        }
    }

    /** The documents for the routes {@code layer} had or now has faults on: each with every layer's faults, or put back. */
    private List<String> documents(Layer layer, Map<String, Map<String, Map<String, Object>>> byRoute) {
        Set<String> touched = new LinkedHashSet<>(wanted.getOrDefault(layer, Map.of()).keySet());
        touched.addAll(byRoute.keySet());
        wanted.put(layer, Map.copyOf(byRoute));
        List<String> docs = new ArrayList<>();
        for (MeshResource r : mesh.controlPlane().resources()) {
            if (!touched.contains(r.key())) {
                continue;
            }
            Map<String, Map<String, Object>> faults = new LinkedHashMap<>();
            for (Layer l : Layer.values()) {
                wanted.getOrDefault(l, Map.of()).getOrDefault(r.key(), Map.of()).forEach((service, fault) -> faults.merge(service, fault,
                        (a, b) -> {
                            Map<String, Object> both = new LinkedHashMap<>(a);
                            both.putAll(b);
                            return both;
                        }));
            }
            if (faults.isEmpty()) {
                restoreText(r).ifPresent(docs::add);
                continue;
            }
            Base kept = bases.get(r.key());
            Object spec = YamlText.plain(r.spec());
            // edited since our last write: the edit, less ours, is the route's own version from now on
            String own = kept == null ? policies.liveText(r.key()).orElse(YamlText.of(r)) : spec.equals(kept.spec()) ? kept.text() : write(r, null);
            bases.put(r.key(), new Base(own, spec));
            docs.add(write(r, IngressRoutes.annotationValue(faults)));
        }
        return docs;
    }

    /** A route we wrote: back as its owner left it (unedited since: the text from before; edited: the edit, less ours). */
    private Optional<String> restoreText(MeshResource r) {
        Base base = bases.remove(r.key());
        if (base == null) {
            return Optional.empty();
        }
        if (YamlText.plain(r.spec()).equals(base.spec()) && base.text() != null) {
            return Optional.of(base.text());
        }
        return Optional.of(write(r, null));
    }
    /** The live route with the annotation set to {@code faults}, or without it when null. */
    private static String write(MeshResource r, String faults) {
        Map<String, String> annotations = new LinkedHashMap<>(r.annotations());
        annotations.remove(Faults.ANNOTATION);
        if (faults != null) {
            annotations.put(Faults.ANNOTATION, faults);
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", r.name());
        metadata.put("namespace", r.namespace());
        if (!r.labels().isEmpty()) {
            metadata.put("labels", new LinkedHashMap<>(r.labels()));
        }
        if (!annotations.isEmpty()) {
            metadata.put("annotations", annotations);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", r.apiVersion());
        doc.put("kind", r.kind());
        doc.put("metadata", metadata);
        doc.put("spec", YamlText.plain(r.spec()));
        return YamlText.write(doc);
    }
}
