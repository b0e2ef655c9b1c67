package dev.loopmesh.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Binds the {@code Mesh} document to {@link MeshSpec}, reporting every problem it finds. Values that
 * are wrong are reported and replaced by defaults, so binding goes on and finds the next problem; a
 * spec bound with errors is never used.
 */
final class MeshBinder {
    static final List<String> DOCUMENT_KEYS = List.of("apiVersion", "kind", "metadata", "include", "spec");
    static final List<String> METADATA_KEYS = List.of("name", "namespace", "labels", "annotations");
    static final List<String> SPEC_KEYS = List.of("namespace", "services", "ingress", "traffic");
    static final List<String> SERVICE_KEYS = List.of("name", "namespace", "port", "protocol", "workloads");
    static final List<String> WORKLOAD_KEYS = List.of("version", "replicas", "serviceAccount", "labels", "sidecar",
            "external", "behavior");
    static final List<String> EXTERNAL_KEYS = List.of("host", "port");
    static final List<String> INGRESS_KEYS = List.of("routes");
    static final List<String> ROUTE_KEYS = List.of("prefix", "service", "namespace");
    static final List<String> TRAFFIC_KEYS = List.of("name", "target", "path", "paths", "method", "rate", "headers");
    static final List<String> PROTOCOLS = List.of("http", "http2", "grpc", "tcp");

    private final Fields fields;
    private final List<BehaviorBinder.CallRef> calls = new ArrayList<>();
    private final BehaviorBinder behaviors;
    /** namespace/name → the service's node, for duplicate and reference checks. */
    private final Map<String, YamlNode> services = new LinkedHashMap<>();
    private final List<TrafficRef> trafficRefs = new ArrayList<>();
    private final List<RouteRef> routeRefs = new ArrayList<>();

    record TrafficRef(TrafficClientSpec client, String targetNamespace, YamlNode target) {
    }

    record RouteRef(IngressSpec.Route route, YamlNode node) {
    }

    MeshBinder(List<Problem> problems) {
        this.fields = Fields.forMesh(problems);
        this.behaviors = new BehaviorBinder(fields, calls);
    }

    static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    MeshSpec bind(YamlNode.Mapping doc) {
        fields.onlyKeys(doc, DOCUMENT_KEYS);
        String name = "mesh";
        Optional<YamlNode.Mapping> metadata = fields.required(doc, "metadata", "the Mesh document", "metadata: {name: <mesh name>}")
                .flatMap(n -> fields.asMapping(n, "a map like {name: bookinfo}"));
        if (metadata.isPresent()) {
            fields.onlyKeys(metadata.get(), METADATA_KEYS);
            name = fields.requiredString(metadata.get(), "name", "metadata", "the mesh's name").orElse(name);
        }
        Optional<YamlNode.Mapping> spec = fields.required(doc, "spec", "the Mesh document", "spec: {services: [...]}")
                .flatMap(n -> fields.asMapping(n, "a map with keys " + String.join(", ", SPEC_KEYS)));
        if (spec.isEmpty()) {
            return new MeshSpec(name, "default", List.of(), IngressSpec.NONE, List.of(), doc.position());
        }
        YamlNode.Mapping s = spec.get();
        fields.onlyKeys(s, SPEC_KEYS);
        String namespace = Fields.value(s, "namespace").flatMap(n -> fields.text(n, "a namespace name")
                .filter(v -> fields.checkLabelName(n, v, "namespace"))).orElse("default");
        List<ServiceSpec> bound = new ArrayList<>();
        List<YamlNode> items = fields.list(s, "services", "a list of services");
        if (Fields.value(s, "services").isEmpty()) {
            fields.required(s, "services", "spec", "a list of services, like [{name: web, port: 8080, workloads: [{version: v1}]}]");
        }
        Fields.value(s, "services").filter(n -> n instanceof YamlNode.Sequence q && q.items().isEmpty()).ifPresent(n ->
                fields.error(ProblemCodes.MISSING_KEY, n, "services: the list is empty (expected: at least one service)"));
        for (YamlNode item : items) {
            service(item, namespace).ifPresent(bound::add);
        }
        IngressSpec ingress = fields.mapping(s, "ingress", "a map like {routes: [{prefix: /, service: web}]}")
                .map(m -> ingress(m, namespace)).orElse(IngressSpec.NONE);
        List<TrafficClientSpec> traffic = new ArrayList<>();
        Set<String> clientNames = new java.util.HashSet<>();
        Map<String, Position> clientPositions = new HashMap<>();
        for (YamlNode item : fields.list(s, "traffic", "a list of traffic clients")) {
            traffic(item, namespace).ifPresent(c -> {
                if (!clientNames.add(c.name())) {
                    Position first = clientPositions.get(c.name());
                    fields.error(ProblemCodes.DUPLICATE_CLIENT, ((YamlNode.Mapping) item).entries().get("name"),
                            "duplicate traffic client `" + c.name() + "` (first at line " + first.line()
                                    + "; expected: unique client names)");
                } else {
                    clientPositions.put(c.name(), c.position());
                    traffic.add(c);
                }
            });
        }
        MeshSpec mesh = new MeshSpec(name, namespace, bound, ingress, traffic, doc.position());
        new MeshChecks(fields, services, calls, routeRefs, trafficRefs).check(mesh);
        return mesh;
    }

    private static String pathOf(YamlNode node, String key) {
        return YamlReader.childPath(node.path(), key);
    }

    private Optional<ServiceSpec> service(YamlNode node, String meshNamespace) {
        Optional<YamlNode.Mapping> found = fields.asMapping(node, "a service, like {name: web, port: 8080, workloads: [...]}");
        if (found.isEmpty()) {
            return Optional.empty();
        }
        YamlNode.Mapping m = found.get();
        fields.onlyKeys(m, SERVICE_KEYS);
        Optional<YamlNode> nameNode = fields.required(m, "name", "a service", "a DNS-1123 label like productpage");
        Optional<String> name = nameNode.flatMap(n -> fields.text(n, "a service name").filter(v -> fields.checkLabelName(n, v, "service name")));
        String namespace = Fields.value(m, "namespace").flatMap(n -> fields.text(n, "a namespace name")
                .filter(v -> fields.checkLabelName(n, v, "namespace"))).orElse(meshNamespace);
        String owner = name.map(n -> "service `" + n + "`").orElse("a service");
        int port = fields.required(m, "port", owner, "a port, 1..65535").flatMap(n -> fields.integer(n, 1, 65535)).orElse(1);
        Protocol protocol = Fields.value(m, "protocol").flatMap(this::protocol).orElse(Protocol.HTTP);
        if (name.isPresent()) {
            String key = key(namespace, name.get());
            YamlNode first = services.putIfAbsent(key, m);
            if (first != null) {
                fields.error(ProblemCodes.DUPLICATE_SERVICE, nameNode.get(), "duplicate service `" + name.get() + "` in namespace `"
                        + namespace + "` (first at line " + first.position().line() + "; expected: unique names per namespace)");
                return Optional.empty();
            }
        }
        List<WorkloadSpec> workloads = new ArrayList<>();
        Map<String, YamlNode> versions = new HashMap<>();
        for (YamlNode item : fields.list(m, "workloads", "a list of workloads, like [{version: v1}]")) {
            workload(item, name.orElse("unnamed"), namespace, versions).ifPresent(workloads::add);
        }
        if (name.isPresent() && workloads.stream().mapToInt(WorkloadSpec::replicas).sum() == 0) {
            fields.warning(ProblemCodes.NO_PODS, m, "service `" + name.get() + "` has no pods"
                    + (workloads.isEmpty() ? " (no workloads)" : " (0 replicas)") + ": calls to it fail with 503");
        }
        return name.map(n -> new ServiceSpec(n, namespace, port, protocol, workloads, m.position()));
    }

    private Optional<Protocol> protocol(YamlNode node) {
        return fields.text(node, "one of " + String.join(", ", PROTOCOLS)).flatMap(t -> {
            if (PROTOCOLS.contains(t)) {
                return Optional.of(Protocol.valueOf(t.toUpperCase(Locale.ROOT)));
            }
            fields.error(ProblemCodes.BAD_CHOICE, node, "protocol: " + Fields.got(node) + " is not a protocol (expected one of: "
                    + String.join(", ", PROTOCOLS) + ")" + Suggestions.didYouMean(t, PROTOCOLS));
            return Optional.empty();
        });
    }

    private Optional<WorkloadSpec> workload(YamlNode node, String service, String namespace, Map<String, YamlNode> versions) {
        Optional<YamlNode.Mapping> found = fields.asMapping(node, "a workload, like {version: v1, replicas: 2}");
        if (found.isEmpty()) {
            return Optional.empty();
        }
        YamlNode.Mapping m = found.get();
        fields.onlyKeys(m, WORKLOAD_KEYS);
        Optional<YamlNode> versionNode = fields.required(m, "version", "a workload of `" + service + "`", "a version label like v1");
        Optional<String> version = versionNode.flatMap(n -> fields.text(n, "a version like v1")
                .filter(v -> fields.checkLabelValue(n, v, "version")));
        int replicas = fields.integer(m, "replicas", 0, 1000).orElse(1);
        String account = Fields.value(m, "serviceAccount").flatMap(n -> fields.text(n, "a service account name")
                .filter(v -> fields.checkSubdomainName(n, v, "serviceAccount", ProblemCodes.BAD_NAME))).orElse("default");
        Map<String, String> labels = fields.stringMap(m, "labels", "label values");
        Fields.value(m, "labels").ifPresent(l -> {
            for (String reserved : List.of("app", "version")) {
                if (labels.containsKey(reserved)) {
                    fields.error(ProblemCodes.OUT_OF_RANGE, ((YamlNode.Mapping) l).entries().get(reserved),
                            "label `" + reserved + "` is set by Loopmesh from the " + (reserved.equals("app") ? "service name" : "workload version")
                                    + " (expected: other labels only)");
                }
            }
        });
        boolean sidecar = fields.bool(m, "sidecar").orElse(true);
        ExternalSpec external = fields.mapping(m, "external", "a map like {host: 127.0.0.1, port: 8000}").flatMap(this::external).orElse(null);
        BehaviorSpec behavior = Fields.value(m, "behavior").map(b -> behaviors.bind(b, service, namespace)).orElse(BehaviorSpec.DEFAULT);
        if (m.entries().containsKey("external") && Fields.value(m, "behavior").isPresent()) {
            fields.error(ProblemCodes.EXTERNAL_WITH_BEHAVIOR, m.keyPosition("behavior"), pathOf(m, "behavior"),
                    "workload has both `external` and `behavior` (expected: one of them; a real process behaves as it does)");
        }
        if (version.isEmpty()) {
            return Optional.empty();
        }
        YamlNode first = versions.putIfAbsent(version.get(), versionNode.get());
        if (first != null) {
            fields.error(ProblemCodes.DUPLICATE_VERSION, versionNode.get(), "duplicate version `" + version.get() + "` of service `"
                    + service + "` (first at line " + first.position().line() + "; expected: unique versions per service)");
            return Optional.empty();
        }
        return Optional.of(new WorkloadSpec(service, namespace, version.get(), replicas, account, labels, sidecar, behavior,
                external, m.position()));
    }

    private Optional<ExternalSpec> external(YamlNode.Mapping m) {
        fields.onlyKeys(m, EXTERNAL_KEYS);
        String host = fields.string(m, "host", "a host name or address").orElse("127.0.0.1");
        Optional<Integer> port = fields.required(m, "port", "external", "the port the real process listens on, 1..65535")
                .flatMap(n -> fields.integer(n, 1, 65535));
        return port.map(p -> new ExternalSpec(host, p));
    }

    private IngressSpec ingress(YamlNode.Mapping m, String namespace) {
        fields.onlyKeys(m, INGRESS_KEYS);
        List<IngressSpec.Route> routes = new ArrayList<>();
        for (YamlNode item : fields.list(m, "routes", "a list of routes, like [{prefix: /, service: web}]")) {
            fields.asMapping(item, "a route, like {prefix: /, service: web}").ifPresent(r -> {
                fields.onlyKeys(r, ROUTE_KEYS);
                Optional<String> prefix = fields.requiredString(r, "prefix", "a route", "a path prefix like /");
                Optional<String> service = fields.requiredString(r, "service", "a route", "the name of a service");
                String ns = fields.string(r, "namespace", "a namespace").orElse(namespace);
                if (prefix.isPresent() && !prefix.get().startsWith("/")) {
                    fields.error(ProblemCodes.OUT_OF_RANGE, r.entries().get("prefix"), "prefix: " + Fields.got(r.entries().get("prefix"))
                            + " does not start with / (expected: a path prefix like /api)");
                }
                if (prefix.isPresent() && service.isPresent()) {
                    IngressSpec.Route route = new IngressSpec.Route(prefix.get(), service.get(), ns, r.position());
                    routes.add(route);
                    routeRefs.add(new RouteRef(route, r));
                }
            });
        }
        return new IngressSpec(routes);
    }

    private Optional<TrafficClientSpec> traffic(YamlNode node, String namespace) {
        Optional<YamlNode.Mapping> found = fields.asMapping(node, "a traffic client, like {name: browsers, target: ingress, path: /, rate: 10/s}");
        if (found.isEmpty()) {
            return Optional.empty();
        }
        YamlNode.Mapping m = found.get();
        fields.onlyKeys(m, TRAFFIC_KEYS);
        Optional<String> name = fields.requiredString(m, "name", "a traffic client", "the client's name");
        String owner = name.map(n -> "traffic client `" + n + "`").orElse("a traffic client");
        Optional<YamlNode> targetNode = fields.required(m, "target", owner, "ingress, or a service name");
        Optional<String> target = targetNode.flatMap(n -> fields.text(n, "ingress, or a service name"));
        List<TrafficClientSpec.Weighted> paths = TrafficBinder.paths(fields, m);
        String method = Fields.value(m, "method").flatMap(behaviors::method).orElse("GET");
        Optional<Double> rate = fields.required(m, "rate", owner, "a rate like 20/s").flatMap(n -> fields.text(n, "a rate like 20/s").flatMap(t -> {
            try {
                return Optional.of(Quantities.ratePerSecond(t));
            } catch (IllegalArgumentException e) {
                fields.error(ProblemCodes.BAD_RATE, n, "rate: " + e.getMessage());
                return Optional.empty();
            }
        }));
        Map<String, List<TrafficClientSpec.Weighted>> headers = TrafficBinder.headers(fields, m);
        if (name.isEmpty() || target.isEmpty() || rate.isEmpty() || paths.isEmpty()) {
            return Optional.empty();
        }
        TrafficClientSpec client = new TrafficClientSpec(name.get(), target.get(), method, paths, rate.get(), headers, m.position());
        trafficRefs.add(new TrafficRef(client, namespace, targetNode.get()));
        return Optional.of(client);
    }
}
