package dev.loopmesh.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The checks that need the whole Mesh document: references between services, and call cycles. */
final class MeshChecks {
    private final Fields fields;
    private final Map<String, YamlNode> services;
    private final List<BehaviorBinder.CallRef> calls;
    private final List<MeshBinder.RouteRef> routes;
    private final List<MeshBinder.TrafficRef> traffic;

    MeshChecks(Fields fields, Map<String, YamlNode> services, List<BehaviorBinder.CallRef> calls,
               List<MeshBinder.RouteRef> routes, List<MeshBinder.TrafficRef> traffic) {
        this.fields = fields;
        this.services = services;
        this.calls = calls;
        this.routes = routes;
        this.traffic = traffic;
    }

    void check(MeshSpec mesh) {
        List<BehaviorBinder.CallRef> resolved = new ArrayList<>();
        for (BehaviorBinder.CallRef ref : calls) {
            CallSpec call = ref.call();
            if (exists(call.namespace(), call.service())) {
                resolved.add(ref);
            } else {
                YamlNode.Mapping m = (YamlNode.Mapping) ref.node();
                fields.error(ProblemCodes.UNKNOWN_SERVICE, m.entries().get("service"),
                        "call to unknown service `" + call.service() + "`" + inNamespace(call.namespace(), mesh)
                                + " (expected one of: " + names(call.namespace()) + ")" + suggest(call.namespace(), call.service()));
            }
        }
        cycles(resolved);
        checkRoutes(mesh);
        checkTraffic(mesh);
    }

    private boolean exists(String namespace, String name) {
        return services.containsKey(MeshBinder.key(namespace, name));
    }

    private static String inNamespace(String namespace, MeshSpec mesh) {
        return namespace.equals(mesh.namespace()) ? "" : " in namespace `" + namespace + "`";
    }

    private List<String> namesIn(String namespace) {
        List<String> out = new ArrayList<>();
        for (String key : services.keySet()) {
            if (key.startsWith(namespace + "/")) {
                out.add(key.substring(namespace.length() + 1));
            }
        }
        return out;
    }

    private String names(String namespace) {
        List<String> names = namesIn(namespace);
        return names.isEmpty() ? "no services in namespace `" + namespace + "`" : String.join(", ", names);
    }

    private String suggest(String namespace, String name) {
        return Suggestions.didYouMean(name, namesIn(namespace));
    }

    /** Every distinct cycle of the service call graph, reported once at the call that closes it. */
    private void cycles(List<BehaviorBinder.CallRef> resolved) {
        Map<String, List<BehaviorBinder.CallRef>> edges = new LinkedHashMap<>();
        for (BehaviorBinder.CallRef ref : resolved) {
            edges.computeIfAbsent(MeshBinder.key(ref.fromNamespace(), ref.fromService()), k -> new ArrayList<>()).add(ref);
        }
        Map<String, Integer> state = new HashMap<>();
        Set<String> reported = new HashSet<>();
        for (String start : services.keySet()) {
            if (!state.containsKey(start)) {
                visit(start, edges, state, new ArrayList<>(), reported);
            }
        }
    }

    private void visit(String node, Map<String, List<BehaviorBinder.CallRef>> edges, Map<String, Integer> state,
                       List<String> stack, Set<String> reported) {
        state.put(node, 1);
        stack.add(node);
        for (BehaviorBinder.CallRef ref : edges.getOrDefault(node, List.of())) {
            String next = MeshBinder.key(ref.call().namespace(), ref.call().service());
            Integer s = state.get(next);
            if (s == null) {
                visit(next, edges, state, stack, reported);
            } else if (s == 1) {
                List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(next), stack.size()));
                if (reported.add(canonical(cycle))) {
                    StringBuilder path = new StringBuilder();
                    for (String k : cycle) {
                        path.append(display(k)).append(" → ");
                    }
                    path.append(display(next));
                    YamlNode.Mapping m = (YamlNode.Mapping) ref.node();
                    fields.error(ProblemCodes.CALL_CYCLE, m.entries().get("service"), "call cycle: " + path
                            + " (expected: calls that end; every request would call around the cycle until it times out)");
                }
            }
        }
        stack.remove(stack.size() - 1);
        state.put(node, 2);
    }

    private static String display(String key) {
        return key.substring(key.indexOf('/') + 1);
    }

    private static String canonical(List<String> cycle) {
        int min = 0;
        for (int i = 1; i < cycle.size(); i++) {
            if (cycle.get(i).compareTo(cycle.get(min)) < 0) {
                min = i;
            }
        }
        List<String> rotated = new ArrayList<>(cycle.subList(min, cycle.size()));
        rotated.addAll(cycle.subList(0, min));
        return String.join(",", rotated);
    }

    private void checkRoutes(MeshSpec mesh) {
        List<IngressSpec.Route> earlier = new ArrayList<>();
        for (MeshBinder.RouteRef ref : routes) {
            IngressSpec.Route route = ref.route();
            YamlNode.Mapping m = (YamlNode.Mapping) ref.node();
            if (!exists(route.namespace(), route.service())) {
                fields.error(ProblemCodes.UNKNOWN_ROUTE_SERVICE, m.entries().get("service"), "ingress route to unknown service `"
                        + route.service() + "`" + inNamespace(route.namespace(), mesh) + " (expected one of: "
                        + names(route.namespace()) + ")" + suggest(route.namespace(), route.service()));
            }
            for (IngressSpec.Route e : earlier) {
                if (route.prefix().startsWith(e.prefix())) {
                    fields.warning(ProblemCodes.SHADOWED_ROUTE, m.entries().get("prefix"), "route `" + route.prefix()
                            + "` never matches: the earlier route `" + e.prefix() + "` matches first (routes match in order; put longer prefixes first)");
                    break;
                }
            }
            earlier.add(route);
        }
    }

    private void checkTraffic(MeshSpec mesh) {
        for (MeshBinder.TrafficRef ref : traffic) {
            String target = ref.client().target();
            if (target.equals("ingress")) {
                if (mesh.ingress().routes().isEmpty()) {
                    fields.error(ProblemCodes.UNKNOWN_TARGET, ref.target(), "traffic target `ingress` but spec.ingress has no routes"
                            + " (expected: spec.ingress.routes, or a service name as target)");
                }
                continue;
            }
            int dot = target.indexOf('.');
            String name = dot < 0 ? target : target.substring(0, dot);
            String namespace = dot < 0 ? ref.targetNamespace() : target.substring(dot + 1);
            if (!exists(namespace, name)) {
                List<String> candidates = new ArrayList<>(namesIn(namespace));
                candidates.add(0, "ingress");
                fields.error(ProblemCodes.UNKNOWN_TARGET, ref.target(), "traffic target `" + target + "` is neither `ingress` nor a service"
                        + " (expected one of: " + String.join(", ", candidates) + ")" + Suggestions.didYouMean(name, candidates));
            }
        }
    }
}
