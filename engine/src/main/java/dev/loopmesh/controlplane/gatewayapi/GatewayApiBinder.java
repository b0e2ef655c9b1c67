package dev.loopmesh.controlplane.gatewayapi;

import dev.loopmesh.controlplane.gatewayapi.GatewaySpec.GatewayClass;
import dev.loopmesh.controlplane.gatewayapi.GatewaySpec.Listener;
import dev.loopmesh.controlplane.gatewayapi.GatewaySpec.ReferenceGrant;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.SpecFields;
import dev.loopmesh.topology.YamlNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Binds {@code gateway.networking.k8s.io} resources to typed, immutable records. Every problem is collected; a
 * resource with an error binds to null, so the control plane rejects it and keeps the last good config.
 */
public final class GatewayApiBinder {
    public static final String GROUP = "gateway.networking.k8s.io";
    /** The controller istiod registers; a GatewayClass naming it is served like the built-in class {@code istio}. */
    public static final String ISTIO_CONTROLLER = "istio.io/gateway-controller";

    /** The outcome of binding one resource: the record (null when it has errors) and every problem. */
    public record Bound(MeshResource resource, Object value, List<Problem> problems) {
        public Bound {
            problems = List.copyOf(problems);
        }
    }

    private GatewayApiBinder() {
    }

    public static boolean handles(MeshResource r) {
        return GROUP.equals(r.group());
    }

    public static Bound bind(MeshResource res) {
        SpecFields r = GatewayApiCodes.reader();
        Object value = switch (res.kind()) {
            case "HTTPRoute", "GRPCRoute" -> new RouteBinder(r, res.namespace()).bind(res);
            case "Gateway" -> gateway(r, res);
            case "GatewayClass" -> gatewayClass(r, res);
            case "ReferenceGrant" -> referenceGrant(r, res);
            default -> {
                r.warning(GatewayApiCodes.UNSUPPORTED, res.position(), "kind", "kind `" + res.kind() + "` of " + GROUP
                        + " is not applied by Loopmesh and is ignored");
                yield null;
            }
        };
        return new Bound(res, r.hasErrors() ? null : value, r.problems);
    }

    private static GatewaySpec gateway(SpecFields r, MeshResource res) {
        YamlNode.Mapping spec = res.spec();
        r.keys(spec, "gatewayClassName", "listeners", "addresses", "infrastructure", "backendTLS", "allowedListeners",
                "defaultScope", "tls");
        String className = r.requiredString(spec, "gatewayClassName", "a Gateway");
        for (String ignored : List.of("addresses", "infrastructure", "backendTLS", "allowedListeners", "tls")) {
            if (spec.entries().containsKey(ignored)) {
                r.warning(GatewayApiCodes.UNSUPPORTED, spec.entries().get(ignored), "`" + ignored + "` is ignored: the mesh's "
                        + "ingress gateway serves this Gateway on its own address and port");
            }
        }
        List<Listener> listeners = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<YamlNode.Mapping> nodes = r.mappings(spec, "listeners");
        if (nodes.isEmpty() && !spec.entries().containsKey("listeners")) {
            r.error(GatewayApiCodes.MISSING_FIELD, spec, "missing `listeners` in a Gateway (expected: at least one, like "
                    + "{name: http, port: 80, protocol: HTTP})");
        }
        for (YamlNode.Mapping l : nodes) {
            Listener listener = listener(r, l);
            if (listener != null && !names.add(listener.name())) {
                r.error(GatewayApiCodes.CONFLICT, l, "listener name `" + listener.name() + "` is used twice (expected: unique names)");
            } else if (listener != null) {
                listeners.add(listener);
            }
        }
        return new GatewaySpec(res.name(), res.namespace(), className == null ? "" : className, listeners, res.position());
    }

    private static Listener listener(SpecFields r, YamlNode.Mapping l) {
        r.keys(l, "name", "hostname", "port", "protocol", "tls", "allowedRoutes");
        String name = r.required(l, "name");
        String hostname = r.string(l, "hostname");
        Long port = r.integer(l, "port", 1, 65535);
        if (port == null && !l.entries().containsKey("port")) {
            r.missing(l, "port", "a listener");
        }
        String protocol = r.required(l, "protocol");
        if (protocol != null && !protocol.equals("HTTP")) {
            r.warning(GatewayApiCodes.UNSUPPORTED, l.entries().get("protocol"), "listener `" + name + "`: protocol " + protocol
                    + " is not served by Loopmesh's ingress gateway (plain HTTP only): routes attached to it route nothing");
        }
        if (l.entries().containsKey("tls")) {
            r.warning(GatewayApiCodes.UNSUPPORTED, l.entries().get("tls"), "listener `" + name + "`: tls is ignored (the "
                    + "ingress gateway terminates no TLS)");
        }
        String from = "Same";
        List<String> kinds = new ArrayList<>();
        YamlNode.Mapping allowed = r.mapping(l, "allowedRoutes");
        if (allowed != null) {
            r.keys(allowed, "namespaces", "kinds");
            YamlNode.Mapping ns = r.mapping(allowed, "namespaces");
            if (ns != null) {
                r.keys(ns, "from", "selector");
                String f = r.enumValue(ns, "from", "All", "Same", "Selector", "None");
                from = f == null ? from : f;
                if ("Selector".equals(f)) {
                    r.warning(GatewayApiCodes.UNSUPPORTED, ns, "from: Selector is read as All: Loopmesh's namespaces carry no labels");
                    from = "All";
                }
            }
            for (YamlNode.Mapping k : r.mappings(allowed, "kinds")) {
                r.keys(k, "group", "kind");
                String kind = r.required(k, "kind");
                if (kind != null) {
                    kinds.add(kind);
                }
            }
        }
        if (name == null || port == null || protocol == null) {
            return null;
        }
        return new Listener(name, port.intValue(), protocol, hostname, from.equals("None") ? "None" : from, kinds, l.position());
    }

    private static GatewayClass gatewayClass(SpecFields r, MeshResource res) {
        YamlNode.Mapping spec = res.spec();
        r.keys(spec, "controllerName", "parametersRef", "description");
        String controller = r.requiredString(spec, "controllerName", "a GatewayClass");
        return new GatewayClass(res.name(), controller == null ? "" : controller);
    }

    private static ReferenceGrant referenceGrant(SpecFields r, MeshResource res) {
        YamlNode.Mapping spec = res.spec();
        r.keys(spec, "from", "to");
        List<ReferenceGrant.From> from = new ArrayList<>();
        for (YamlNode.Mapping f : r.mappings(spec, "from")) {
            r.keys(f, "group", "kind", "namespace");
            String group = r.string(f, "group");
            String kind = r.required(f, "kind");
            String ns = r.required(f, "namespace");
            if (kind != null && ns != null) {
                from.add(new ReferenceGrant.From(group == null ? "" : group, kind, ns));
            }
        }
        List<ReferenceGrant.To> to = new ArrayList<>();
        for (YamlNode.Mapping t : r.mappings(spec, "to")) {
            r.keys(t, "group", "kind", "name");
            String group = r.string(t, "group");
            String kind = r.required(t, "kind");
            String name = r.string(t, "name");
            if (kind != null) {
                to.add(new ReferenceGrant.To(group == null || group.equals("core") ? "" : group, kind, name == null ? "" : name));
            }
        }
        if (from.isEmpty() || to.isEmpty()) {
            r.error(GatewayApiCodes.MISSING_FIELD, spec, "a ReferenceGrant needs at least one `from` and one `to`");
        }
        return new ReferenceGrant(res.name(), res.namespace(), from, to);
    }
}
