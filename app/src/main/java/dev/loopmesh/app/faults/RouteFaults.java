package dev.loopmesh.app.faults;

import dev.loopmesh.Mesh;
import dev.loopmesh.app.editor.PolicyService;
import dev.loopmesh.app.editor.YamlText;
import dev.loopmesh.controlplane.gatewayapi.Faults;
import dev.loopmesh.controlplane.gatewayapi.IngressRoutes;
import dev.loopmesh.topology.MeshResource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Delay and abort on the ingress gateway's edge to a service that a Gateway API route attached to the ingress
 * sends requests to. The Gateway API has no fault filter, so the fault goes where Loopmesh reads one for such a
 * route: its annotation {@value Faults#ANNOTATION}, by service; the route's spec stays as its owner wrote it. When
 * the faults go, the route is put back as it was, or, when it was edited meanwhile, as edited without the annotation.
 */
final class RouteFaults {
    /** A route's text before our first fault, and its spec as our last write left it. */
    private record Base(String text, Object spec) {
    }

    private final Mesh mesh;
    private final PolicyService policies;
    private final Map<String, Base> bases = new LinkedHashMap<>();

    RouteFaults(PolicyService policies) {
        this.policies = requireNonNull(policies, "policies");
        this.mesh = policies.mesh();
    }

    /** The routes the ingress serves. */
    List<IngressRoutes.Attached> attached() {
        return IngressRoutes.of(mesh.topology().mesh(), mesh.controlPlane().resources());
    }

    /**
     * The documents that put {@code byService}'s faults on the attached routes sending requests to those services
     * (and take ours off the others); {@code routed} collects the services they reach.
     */
    List<String> documents(Map<String, List<ActiveFault>> byService, Set<String> routed) {
        List<String> docs = new ArrayList<>();
        for (IngressRoutes.Attached a : attached()) {
            Map<String, Map<String, Object>> faults = new LinkedHashMap<>();
            for (Map.Entry<String, List<ActiveFault>> e : byService.entrySet()) {
                if (a.services().contains(e.getKey())) {
                    faults.put(e.getKey(), MeshFaultInjector.faultOf(e.getValue()));
                    routed.add(e.getKey());
                }
            }
            MeshResource r = a.resource();
            if (faults.isEmpty()) {
                restoreText(r).ifPresent(docs::add);
                continue;
            }
            bases.computeIfAbsent(r.key(), k -> new Base(policies.liveText(k).orElse(YamlText.of(r)), null));
            String doc = write(r, IngressRoutes.annotationValue(faults));
            docs.add(doc);
            bases.put(r.key(), new Base(bases.get(r.key()).text(), YamlText.plain(r.spec())));
        }
        return docs;
    }

    /** The documents that take our faults off every route that has them. */
    List<String> restore() {
        List<String> docs = new ArrayList<>();
        for (IngressRoutes.Attached a : attached()) {
            restoreText(a.resource()).ifPresent(docs::add);
        }
        bases.clear();
        return docs;
    }

    /** A route we wrote: back as its owner left it (unedited since: the text from before; edited: the edit, less ours). */
    private java.util.Optional<String> restoreText(MeshResource r) {
        Base base = bases.remove(r.key());
        if (base == null && !r.annotations().containsKey(Faults.ANNOTATION)) {
            return java.util.Optional.empty();
        }
        if (base != null && YamlText.plain(r.spec()).equals(base.spec()) && base.text() != null) {
            return java.util.Optional.of(base.text());
        }
        return java.util.Optional.of(write(r, null));
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
