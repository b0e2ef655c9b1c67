package dev.loopmesh.app.graph;

import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.ServiceSpec;
import dev.loopmesh.topology.YamlNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which policies apply to which service, read from the resources' specs as written: a VirtualService
 * by its hosts, or on the ingress when bound to gateways only (and, inside, faults, mirrors, retries, timeouts), a Gateway
 * API route by its parents (a Service of the mesh, or a Gateway: the ingress), a DestinationRule by its host
 * (connection limits, outlier detection), an AuthorizationPolicy or a rate limit by its selector's
 * {@code app} label (no selector: every service of its namespace). Pure.
 */
public final class PolicyBadges {
    private PolicyBadges() {
    }

    /** Badges per service name, each kind once per resource, in a stable order. */
    public static Map<String, List<Badge>> of(MeshSpec mesh, List<MeshResource> resources) {
        Map<String, List<Badge>> out = new LinkedHashMap<>();
        if (mesh == null) {
            return out;
        }
        for (MeshResource r : resources) {
            String source = r.kind() + " " + r.namespace() + "/" + r.name();
            switch (r.kind()) {
                case "VirtualService" -> {
                    if (!r.group().equals("networking.istio.io")) {
                        continue;
                    }
                    // bound to gateways only, it routes at the ingress gateway (Istio VirtualService.gateways;
                    // none or "mesh": the sidecars); the badges go where it acts
                    List<String> gateways = hosts(r, "gateways");
                    Set<String> where = new LinkedHashSet<>();
                    if (gateways.isEmpty() || gateways.contains("mesh")) {
                        where.addAll(services(mesh, hosts(r, "hosts"), r.namespace()));
                    }
                    if (gateways.stream().anyMatch(g -> !g.equals("mesh"))) {
                        where.add(GraphLayout.INGRESS);
                    }
                    for (String service : where) {
                        List<Badge> b = out.computeIfAbsent(service, k -> new ArrayList<>());
                        b.add(new Badge(Badge.Kind.VIRTUAL_SERVICE, source, rules(r)));
                        httpBadges(r, source, b);
                    }
                }
                case "HTTPRoute", "GRPCRoute" -> {
                    if (r.group().equals("gateway.networking.k8s.io")) {
                        routeBadges(mesh, r, source, out);
                    }
                }
                case "DestinationRule" -> {
                    for (String service : services(mesh, hosts(r, "host"), r.namespace())) {
                        List<Badge> b = out.computeIfAbsent(service, k -> new ArrayList<>());
                        b.add(new Badge(Badge.Kind.DESTINATION_RULE, source, subsets(r)));
                        if (deepHas(r.spec(), "connectionPool")) {
                            b.add(new Badge(Badge.Kind.CONNECTION_LIMITS, source, ""));
                        }
                        if (deepHas(r.spec(), "outlierDetection")) {
                            b.add(new Badge(Badge.Kind.OUTLIER, source, ""));
                        }
                    }
                }
                case "AuthorizationPolicy" -> selected(mesh, r).forEach(s -> out.computeIfAbsent(s, k -> new ArrayList<>())
                        .add(new Badge(Badge.Kind.AUTHORIZATION, source, scalar(r.spec(), "action").orElse("ALLOW"))));
                case "LocalRateLimit", "HTTPLocalRateLimitPolicy" -> selected(mesh, r).forEach(s -> out.computeIfAbsent(s, k -> new ArrayList<>())
                        .add(new Badge(Badge.Kind.RATE_LIMIT, source, "")));
                default -> {
                    // other kinds put no badge on a service
                }
            }
        }
        out.replaceAll((k, v) -> dedupe(v));
        return out;
    }

    private static List<Badge> dedupe(List<Badge> badges) {
        Map<Badge.Kind, Badge> first = new LinkedHashMap<>();
        for (Badge b : badges) {
            first.merge(b.kind(), b, (a, c) -> new Badge(a.kind(), a.source() + ", " + c.source(), a.detail()));
        }
        List<Badge> out = new ArrayList<>(first.values());
        out.sort(java.util.Comparator.comparingInt(b -> b.kind().ordinal()));
        return out;
    }

    private static void httpBadges(MeshResource r, String source, List<Badge> b) {
        if (!(r.spec().get("http").orElse(null) instanceof YamlNode.Sequence http)) {
            return;
        }
        for (YamlNode n : http.items()) {
            if (!(n instanceof YamlNode.Mapping rule)) {
                continue;
            }
            rule.get("fault").ifPresent(f -> b.add(new Badge(Badge.Kind.FAULT, source, describeFault(f))));
            if (rule.entries().containsKey("mirror") || rule.entries().containsKey("mirrors")) {
                b.add(new Badge(Badge.Kind.MIRROR, source, ""));
            }
            rule.get("retries").ifPresent(x -> b.add(new Badge(Badge.Kind.RETRIES, source, flat(x))));
            scalar(rule, "timeout").ifPresent(t -> b.add(new Badge(Badge.Kind.TIMEOUT, source, t)));
        }
    }

    /**
     * A Gateway API route: on the services it is attached to as parent (GAMMA: their callers' sidecars route by it),
     * and on the ingress when a Gateway is its parent; inside, mirrors, retries, timeouts and the faults of its
     * {@code loopmesh.dev/faults} annotation.
     */
    private static void routeBadges(MeshSpec mesh, MeshResource r, String source, Map<String, List<Badge>> out) {
        Set<String> where = new LinkedHashSet<>();
        if (r.spec().get("parentRefs").orElse(null) instanceof YamlNode.Sequence parents) {
            for (YamlNode n : parents.items()) {
                if (!(n instanceof YamlNode.Mapping p)) {
                    continue;
                }
                String kind = scalar(p, "kind").orElse("Gateway");
                String ns = scalar(p, "namespace").orElse(r.namespace());
                if (kind.equals("Service")) {
                    scalar(p, "name").ifPresent(name -> mesh.service(name, ns).ifPresent(s -> where.add(s.name())));
                } else if (kind.equals("Gateway")) {
                    where.add(GraphLayout.INGRESS);
                }
            }
        }
        List<YamlNode.Mapping> rules = new ArrayList<>();
        if (r.spec().get("rules").orElse(null) instanceof YamlNode.Sequence s) {
            s.items().stream().filter(YamlNode.Mapping.class::isInstance).map(YamlNode.Mapping.class::cast).forEach(rules::add);
        }
        String faults = r.annotations().get("loopmesh.dev/faults");
        for (String service : where) {
            List<Badge> b = out.computeIfAbsent(service, k -> new ArrayList<>());
            b.add(new Badge(Badge.Kind.HTTP_ROUTE, source, rules.size() + " rule(s)"));
            for (YamlNode.Mapping rule : rules) {
                if (deepHas(rule, "requestMirror")) {
                    b.add(new Badge(Badge.Kind.MIRROR, source, ""));
                }
                rule.get("retry").ifPresent(x -> b.add(new Badge(Badge.Kind.RETRIES, source, flat(x))));
                rule.get("timeouts").ifPresent(x -> b.add(new Badge(Badge.Kind.TIMEOUT, source, flat(x))));
            }
            if (faults != null && !faults.isBlank()) {
                b.add(new Badge(Badge.Kind.FAULT, source, faults));
            }
        }
    }

    private static String describeFault(YamlNode f) {
        return flat(f);
    }

    /** A node as one line: {@code delay{fixedDelay: 7s, percentage{value: 100}}}. */
    static String flat(YamlNode n) {
        if (n instanceof YamlNode.Scalar s) {
            return s.value() == null ? "null" : s.value();
        }
        if (n instanceof YamlNode.Sequence s) {
            return "[" + String.join(", ", s.items().stream().map(PolicyBadges::flat).toList()) + "]";
        }
        YamlNode.Mapping m = (YamlNode.Mapping) n;
        List<String> parts = new ArrayList<>();
        m.entries().forEach((k, v) -> parts.add(v instanceof YamlNode.Scalar ? k + ": " + flat(v) : k + " " + flat(v)));
        return "{" + String.join(", ", parts) + "}";
    }

    private static String rules(MeshResource r) {
        return r.spec().get("http").orElse(null) instanceof YamlNode.Sequence s ? s.items().size() + " http rule(s)" : "";
    }

    private static String subsets(MeshResource r) {
        if (!(r.spec().get("subsets").orElse(null) instanceof YamlNode.Sequence s)) {
            return "";
        }
        List<String> names = new ArrayList<>();
        for (YamlNode n : s.items()) {
            if (n instanceof YamlNode.Mapping m) {
                scalar(m, "name").ifPresent(names::add);
            }
        }
        return "subsets " + String.join(", ", names);
    }

    private static boolean deepHas(YamlNode n, String key) {
        if (n instanceof YamlNode.Mapping m) {
            if (m.entries().containsKey(key)) {
                return true;
            }
            return m.entries().values().stream().anyMatch(v -> deepHas(v, key));
        }
        if (n instanceof YamlNode.Sequence s) {
            return s.items().stream().anyMatch(v -> deepHas(v, key));
        }
        return false;
    }

    static Optional<String> scalar(YamlNode.Mapping m, String key) {
        return m.get(key).filter(v -> v instanceof YamlNode.Scalar s && s.value() != null).map(v -> ((YamlNode.Scalar) v).value());
    }

    private static List<String> hosts(MeshResource r, String key) {
        List<String> out = new ArrayList<>();
        YamlNode n = r.spec().get(key).orElse(null);
        if (n instanceof YamlNode.Sequence s) {
            s.items().forEach(i -> {
                if (i instanceof YamlNode.Scalar sc && sc.value() != null) {
                    out.add(sc.value());
                }
            });
        } else if (n instanceof YamlNode.Scalar sc && sc.value() != null) {
            out.add(sc.value());
        }
        return out;
    }

    /** The mesh's services a list of hosts names: short, {@code name.ns}, FQDN, or {@code *}. */
    static Set<String> services(MeshSpec mesh, List<String> hosts, String namespace) {
        Set<String> out = new LinkedHashSet<>();
        for (ServiceSpec s : mesh.services()) {
            for (String h : hosts) {
                String ns = s.namespace();
                if (h.equals("*") || h.equals(s.name()) && ns.equals(namespace) || h.equals(s.name() + "." + ns)
                        || h.equals(s.name() + "." + ns + ".svc.cluster.local") || h.equals("*." + ns + ".svc.cluster.local")) {
                    out.add(s.name());
                }
            }
        }
        return out;
    }

    /** The services a selector's {@code app} label picks; without a selector, every service of the namespace. */
    private static Set<String> selected(MeshSpec mesh, MeshResource r) {
        Set<String> out = new LinkedHashSet<>();
        Optional<String> app = Optional.empty();
        if (r.spec().get("selector").orElse(null) instanceof YamlNode.Mapping sel
                && sel.get("matchLabels").orElse(null) instanceof YamlNode.Mapping labels) {
            app = scalar(labels, "app");
        } else if (r.spec().get("targetRef").orElse(null) instanceof YamlNode.Mapping ref) {
            app = scalar(ref, "name");
        }
        for (ServiceSpec s : mesh.services()) {
            if (app.map(a -> a.equals(s.name())).orElse(s.namespace().equals(r.namespace()) || r.namespace().equals("istio-system"))) {
                out.add(s.name());
            }
        }
        return out;
    }
}
