package dev.loopmesh.topology;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds a mesh resource document (Istio, Gateway API, Linkerd, Loopmesh) to a {@link MeshResource}:
 * apiVersion, kind and metadata are checked here; the spec is kept as written for the control plane.
 */
final class ResourceBinder {
    static final List<String> DOCUMENT_KEYS = List.of("apiVersion", "kind", "metadata", "spec", "status");
    /** Metadata keys Kubernetes writes; accepted (and ignored) so `kubectl get -o yaml` output loads. */
    static final List<String> METADATA_KEYS = List.of("name", "namespace", "labels", "annotations", "generateName", "uid",
            "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "managedFields", "ownerReferences",
            "finalizers", "selfLink");

    private final Fields fields;

    ResourceBinder(List<Problem> problems) {
        this.fields = Fields.forResources(problems);
    }

    /** The document's apiVersion and kind, if both are strings; absent ones are reported. */
    record TypeInfo(String apiVersion, String kind) {
        boolean isMesh() {
            return kind.equals("Mesh");
        }
    }

    Optional<TypeInfo> type(YamlNode.Mapping doc) {
        Optional<String> apiVersion = fields.requiredString(doc, "apiVersion", "a resource", "like networking.istio.io/v1");
        Optional<String> kind = fields.requiredString(doc, "kind", "a resource", "like VirtualService");
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TypeInfo(apiVersion.get(), kind.get()));
    }

    /** Reports an unknown apiVersion or kind, with the nearest known one; true when both are known. */
    boolean checkType(YamlNode.Mapping doc, TypeInfo type) {
        YamlNode apiNode = doc.entries().get("apiVersion");
        YamlNode kindNode = doc.entries().get("kind");
        if (!KnownKinds.isKnownApiVersion(type.apiVersion())) {
            List<String> known = KnownKinds.apiVersions();
            String hint = Suggestions.didYouMean(type.apiVersion(), known);
            if (hint.isEmpty()) {
                hint = KnownKinds.groupOf(type.kind()).map(g -> " — " + type.kind() + " is in `" + g + "`").orElse("");
            }
            fields.error(ProblemCodes.UNKNOWN_API_VERSION, apiNode, "unknown apiVersion `" + Fields.abbreviate(type.apiVersion())
                    + "` (expected one of: " + String.join(", ", known) + ")" + hint);
            return false;
        }
        List<String> kinds = KnownKinds.kinds(type.apiVersion());
        if (!kinds.contains(type.kind())) {
            String hint = Suggestions.didYouMean(type.kind(), kinds);
            if (hint.isEmpty()) {
                hint = KnownKinds.groupOf(type.kind()).map(g -> " — " + type.kind() + " is in `" + g + "`").orElse("");
            }
            fields.error(ProblemCodes.UNKNOWN_KIND, kindNode, "unknown kind `" + Fields.abbreviate(type.kind()) + "` in `"
                    + type.apiVersion() + "` (expected one of: " + String.join(", ", kinds) + ")" + hint);
            return false;
        }
        return true;
    }

    Optional<MeshResource> bind(YamlNode.Mapping doc, TypeInfo type, String defaultNamespace) {
        fields.onlyKeys(doc, DOCUMENT_KEYS);
        Optional<YamlNode.Mapping> metadata = fields.required(doc, "metadata", type.kind(), "metadata: {name: <name>}")
                .flatMap(n -> fields.asMapping(n, "a map like {name: reviews}"));
        if (metadata.isEmpty()) {
            return Optional.empty();
        }
        YamlNode.Mapping md = metadata.get();
        fields.onlyKeys(md, METADATA_KEYS);
        Optional<String> name = fields.required(md, "name", type.kind(), "the resource's name")
                .flatMap(n -> fields.text(n, "a name").filter(v -> fields.checkSubdomainName(n, v, "name", ProblemCodes.RESOURCE_BAD_NAME)));
        String namespace = Fields.value(md, "namespace").flatMap(n -> fields.text(n, "a namespace name")
                .filter(v -> fields.checkSubdomainName(n, v, "namespace", ProblemCodes.RESOURCE_BAD_NAME))).orElse(defaultNamespace);
        Map<String, String> labels = fields.stringMap(md, "labels", "label values");
        Map<String, String> annotations = fields.stringMap(md, "annotations", "annotation values");
        Optional<YamlNode> specNode = Fields.value(doc, "spec");
        YamlNode.Mapping spec = specNode.isEmpty()
                ? new YamlNode.Mapping(Map.of(), Map.of(), doc.keyPosition("spec"), YamlReader.childPath(doc.path(), "spec"))
                : fields.asMapping(specNode.get(), "a map").orElse(null);
        if (name.isEmpty() || spec == null) {
            return Optional.empty();
        }
        return Optional.of(new MeshResource(type.apiVersion(), type.kind(), name.get(), namespace, labels, annotations, spec,
                doc.position()));
    }
}
