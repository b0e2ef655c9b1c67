package dev.loopmesh.topology;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A mesh resource as a user would {@code kubectl apply} it (Istio, Gateway API, Linkerd), kept with its
 * source positions so the control plane can point at the line that is wrong.
 *
 * @param spec the {@code spec} mapping as written (an empty mapping where the document has none)
 */
public record MeshResource(String apiVersion, String kind, String name, String namespace,
                           Map<String, String> labels, Map<String, String> annotations,
                           YamlNode.Mapping spec, Position position) {
    public MeshResource {
        requireNonNull(apiVersion, "apiVersion");
        requireNonNull(kind, "kind");
        requireNonNull(name, "name");
        requireNonNull(namespace, "namespace");
        labels = Map.copyOf(labels == null ? Map.of() : labels);
        annotations = Map.copyOf(annotations == null ? Map.of() : annotations);
        requireNonNull(spec, "spec");
        requireNonNull(position, "position");
    }

    /** The API group without version: {@code networking.istio.io}. */
    public String group() {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** The identity of a resource across applies: kind, namespace and name (not the version). */
    public String key() {
        return group() + "/" + kind + "/" + namespace + "/" + name;
    }

    @Override
    public String toString() {
        return kind + " " + namespace + "/" + name + " (" + position + ")";
    }
}
