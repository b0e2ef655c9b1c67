package dev.loopmesh.controlplane.gatewayapi;

import dev.loopmesh.controlplane.gatewayapi.RouteSpec.BackendRef;
import dev.loopmesh.controlplane.gatewayapi.RouteSpec.Match;
import dev.loopmesh.controlplane.gatewayapi.RouteSpec.ParentRef;
import dev.loopmesh.controlplane.gatewayapi.RouteSpec.Retry;
import dev.loopmesh.controlplane.gatewayapi.RouteSpec.Rule;
import dev.loopmesh.policy.routing.HeaderOps;
import dev.loopmesh.policy.routing.StringMatch;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.SpecFields;
import dev.loopmesh.topology.YamlNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Binds an HTTPRoute or GRPCRoute spec, with the API server's defaults and validation rules (the CRDs' CEL rules
 * are errors here, as {@code kubectl apply} refuses them), into a {@link RouteSpec}.
 */
final class RouteBinder {
    private static final Pattern HOSTNAME = Pattern.compile("^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    private final SpecFields r;
    private final String namespace;
    private final FilterBinder filters;

    RouteBinder(SpecFields reader, String namespace) {
        this.r = reader;
        this.namespace = namespace;
        this.filters = new FilterBinder(reader, this);
    }

    RouteSpec bind(MeshResource res) {
        boolean grpc = res.kind().equals("GRPCRoute");
        YamlNode.Mapping spec = res.spec();
        r.keys(spec, "parentRefs", "hostnames", "rules", "useDefaultGateways");
        List<ParentRef> parents = new ArrayList<>();
        for (YamlNode.Mapping p : r.mappings(spec, "parentRefs")) {
            ParentRef ref = parentRef(p);
            if (ref != null) {
                parents.add(ref);
            }
        }
        if (parents.isEmpty() && !spec.entries().containsKey("parentRefs")) {
            r.warning(GatewayApiCodes.UNKNOWN_PARENT, spec, "no parentRefs: the route attaches to nothing and routes no "
                    + "request (expected: a Gateway, or a Service of the mesh for mesh routing)");
        }
        List<String> hostnames = r.strings(spec, "hostnames");
        for (String h : hostnames) {
            if (!HOSTNAME.matcher(h).matches()) {
                r.error(GatewayApiCodes.INVALID_VALUE, spec.entries().get("hostnames"), "hostname `" + h + "` is not a "
                        + "lower-case DNS name, optionally with a leading *. (no IP addresses, ports or other wildcards)");
            }
        }
        List<Rule> rules = new ArrayList<>();
        List<YamlNode.Mapping> ruleNodes = r.mappings(spec, "rules");
        for (YamlNode.Mapping rule : ruleNodes) {
            rules.add(rule(rule, grpc));
        }
        if (ruleNodes.isEmpty() && !grpc) {
            // the API server defaults rules to one rule matching PathPrefix / with no backend: istiod answers 500
            rules.add(new Rule("", List.of(), RouteSpec.Filters.NONE, List.of(), "", null, null, null, spec.position(), spec.path()));
        }
        return new RouteSpec(res.kind(), res.name(), res.namespace(), parents, hostnames, rules, res.position());
    }

    private ParentRef parentRef(YamlNode.Mapping p) {
        r.keys(p, "group", "kind", "namespace", "name", "sectionName", "port");
        String name = r.required(p, "name");
        String group = p.entries().containsKey("group") ? nullToEmpty(r.string(p, "group")) : GatewayApiBinder.GROUP;
        group = group.equals("core") ? "" : group;
        String kind = p.entries().containsKey("kind") ? nullToEmpty(r.string(p, "kind")) : "Gateway";
        String ns = r.string(p, "namespace");
        int port = r.integer(p, "port", 1, 65535, 0);
        return name == null ? null : new ParentRef(group, kind, ns == null ? namespace : ns, name,
                nullToEmpty(r.string(p, "sectionName")), port, p.position(), p.path());
    }

    private Rule rule(YamlNode.Mapping m, boolean grpc) {
        if (grpc) {
            r.keys(m, "name", "matches", "filters", "backendRefs", "sessionPersistence");
        } else {
            r.keys(m, "name", "matches", "filters", "backendRefs", "timeouts", "retry", "sessionPersistence");
        }
        if (m.entries().containsKey("sessionPersistence")) {
            r.warning(GatewayApiCodes.UNSUPPORTED, m.entries().get("sessionPersistence"), "sessionPersistence is not "
                    + "applied by Loopmesh: requests are balanced as without it");
        }
        List<Match> matches = new ArrayList<>();
        for (YamlNode.Mapping mm : r.mappings(m, "matches")) {
            Match match = grpc ? grpcMatch(mm) : match(mm);
            if (match != null) {
                matches.add(match);
            }
        }
        FilterBinder.Bound f = filters.rule(m, grpc);
        if (f.filters().rewrite() != null && f.filters().rewrite().uri() != null || f.filters().redirect() != null
                && f.filters().redirect().replacePrefix()) {
            for (Match match : matches) {
                if (match.path() == null || match.path().kind() == StringMatch.Kind.EXACT || match.path().kind() == StringMatch.Kind.REGEX) {
                    r.error(GatewayApiCodes.CONFLICT, m.entries().get("filters"), "ReplacePrefixMatch needs every match of "
                            + "its rule to be a PathPrefix match (the API server rejects it with an Exact or RegularExpression path)");
                    break;
                }
            }
        }
        List<BackendRef> backends = new ArrayList<>();
        for (YamlNode.Mapping b : r.mappings(m, "backendRefs")) {
            BackendRef ref = backendRef(b, true);
            if (ref != null) {
                backends.add(ref);
            }
        }
        if (f.filters().redirect() != null && !backends.isEmpty()) {
            r.warning(GatewayApiCodes.CONFLICT, m.entries().get("backendRefs"), "backendRefs are not used: the "
                    + "RequestRedirect filter answers the request itself");
        }
        Duration request = null;
        Duration backend = null;
        YamlNode.Mapping t = r.mapping(m, "timeouts");
        if (t != null) {
            r.keys(t, "request", "backendRequest");
            request = r.duration(t, "request");
            backend = r.duration(t, "backendRequest");
            if (request != null && backend != null && !request.isZero() && (backend.isZero() || backend.compareTo(request) > 0)) {
                r.error(GatewayApiCodes.CONFLICT, t.entries().get("backendRequest"), "backendRequest timeout cannot be "
                        + "longer than request timeout (the API server's rule)");
            }
        }
        return new Rule(r.string(m, "name"), matches, f.filters(), backends, f.unresolved(), request, backend,
                retry(r.mapping(m, "retry")), m.position(), m.path());
    }

    private Match match(YamlNode.Mapping m) {
        r.keys(m, "path", "headers", "queryParams", "method");
        StringMatch path = StringMatch.prefix("/");
        YamlNode.Mapping p = r.mapping(m, "path");
        if (p != null) {
            r.keys(p, "type", "value");
            String type = p.entries().containsKey("type") ? r.enumValue(p, "type", "Exact", "PathPrefix", "RegularExpression") : "PathPrefix";
            String value = p.entries().containsKey("value") ? r.string(p, "value") : "/";
            if (type == null || value == null) {
                return null;
            }
            path = path(p, type, value);
            if (path == null) {
                return null;
            }
        }
        StringMatch method = null;
        String mv = r.string(m, "method");
        if (mv != null) {
            if (!METHODS.contains(mv)) {
                String near = r.nearest(mv, METHODS).orElse(null);
                r.error(GatewayApiCodes.INVALID_VALUE, m.entries().get("method"), "method `" + mv + "` is not valid"
                        + (near != null ? " (did you mean `" + near + "`?)" : " (expected one of: " + String.join(", ", METHODS) + ")"));
            }
            method = StringMatch.exact(mv);
        }
        return new Match(path, method, conditions(m, "headers", true), conditions(m, "queryParams", false));
    }

    /** istiod's createURIMatch, with the path-separated prefix its route builder writes for gateway semantics. */
    private StringMatch path(YamlNode.Mapping p, String type, String value) {
        YamlNode at = p.entries().getOrDefault("value", p);
        if (!type.equals("RegularExpression") && !value.startsWith("/")) {
            r.error(GatewayApiCodes.INVALID_VALUE, at, "path `" + value + "` must start with /");
            return null;
        }
        switch (type) {
            case "Exact":
                return StringMatch.exact(value);
            case "RegularExpression":
                Pattern compiled = compile(at, value);
                return compiled == null ? null : new StringMatch(StringMatch.Kind.REGEX, value, false, compiled);
            default: {
                // "When specified, a trailing `/` is ignored"
                String prefix = value.length() > 1 && value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
                return prefix.equals("/") ? StringMatch.prefix("/") : new StringMatch(StringMatch.Kind.PATH_PREFIX, prefix, false, null);
            }
        }
    }

    /**
     * GRPCRoute's method match as istiod's createGRPCURIMatch writes it into a path: {@code /service/method}
     * exact, {@code /service/} prefix, {@code /[^/]+/method} regex.
     */
    private Match grpcMatch(YamlNode.Mapping m) {
        r.keys(m, "method", "headers");
        StringMatch path = null;
        YamlNode.Mapping mm = r.mapping(m, "method");
        if (mm != null) {
            r.keys(mm, "type", "service", "method");
            String type = mm.entries().containsKey("type") ? r.enumValue(mm, "type", "Exact", "RegularExpression") : "Exact";
            String service = r.string(mm, "service");
            String method = r.string(mm, "method");
            if (service == null && method == null) {
                r.error(GatewayApiCodes.MISSING_FIELD, mm, "a method match needs `service` or `method` (or both)");
                return null;
            }
            if (type == null) {
                return null;
            }
            if (type.equals("Exact")) {
                path = method == null ? StringMatch.prefix("/" + service + "/")
                        : service == null ? regex(mm, "/[^/]+/" + method) : StringMatch.exact("/" + service + "/" + method);
            } else {
                path = regex(mm, method == null ? "/" + service + "/.+" : service == null ? "/[^/]+/" + method : "/" + service + "/" + method);
            }
            if (path == null) {
                return null;
            }
        }
        return new Match(path, null, conditions(m, "headers", true), Map.of());
    }

    private StringMatch regex(YamlNode at, String regex) {
        Pattern p = compile(at, regex);
        return p == null ? null : new StringMatch(StringMatch.Kind.REGEX, regex, false, p);
    }

    /** Header or query parameter matches: Exact (the default) or RegularExpression; the first of a name wins. */
    private Map<String, StringMatch> conditions(YamlNode.Mapping m, String key, boolean header) {
        Map<String, StringMatch> out = new LinkedHashMap<>();
        for (YamlNode.Mapping c : r.mappings(m, key)) {
            r.keys(c, "type", "name", "value");
            String name = r.required(c, "name");
            String value = r.string(c, "value");
            if (value == null && !c.entries().containsKey("value")) {
                r.missing(c, "value", header ? "a header match" : "a query parameter match");
            }
            String type = c.entries().containsKey("type") ? r.enumValue(c, "type", "Exact", "RegularExpression") : "Exact";
            if (name == null || value == null || type == null) {
                continue;
            }
            // header names are case-insensitive; query parameter names are not (GEP-820)
            String n = header ? name.toLowerCase(Locale.ROOT) : name;
            StringMatch sm = type.equals("Exact") ? StringMatch.exact(value) : regex(c.entries().getOrDefault("value", c), value);
            if (sm != null) {
                out.putIfAbsent(n, sm);
            }
        }
        return out;
    }

    private Pattern compile(YamlNode at, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            r.error(GatewayApiCodes.BAD_REGEX, at, "regular expression `" + regex + "` does not compile: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
            return null;
        }
    }

    /** A backendRef; {@code weighted}: one of a rule's (with weight and filters), not a mirror's. */
    BackendRef backendRef(YamlNode.Mapping m, boolean weighted) {
        if (weighted) {
            r.keys(m, "group", "kind", "name", "namespace", "port", "weight", "filters");
        } else {
            r.keys(m, "group", "kind", "name", "namespace", "port");
        }
        String name = r.required(m, "name");
        String group = nullToEmpty(r.string(m, "group"));
        group = group.equals("core") ? "" : group;
        String kind = m.entries().containsKey("kind") ? nullToEmpty(r.string(m, "kind")) : "Service";
        String ns = r.string(m, "namespace");
        int port = r.integer(m, "port", 1, 65535, 0);
        boolean misspelled = m.entries().keySet().stream()
                .anyMatch(k -> !k.equals("port") && dev.loopmesh.topology.Suggestions.nearest(k, List.of("port")).isPresent());
        if (port == 0 && !m.entries().containsKey("port") && !misspelled && group.isEmpty() && kind.equals("Service")) {
            r.error(GatewayApiCodes.MISSING_FIELD, m, "missing `port`: a backendRef to a Service needs the port (istiod: "
                    + "\"port is required in backendRef\")");
        }
        int weight = weighted ? r.integer(m, "weight", 0, 1_000_000, 1) : 1;
        HeaderOps[] ops = weighted ? filters.backend(m) : new HeaderOps[] {HeaderOps.NONE, HeaderOps.NONE};
        if (name != null && name.contains(".") && group.isEmpty() && kind.equals("Service")) {
            r.error(GatewayApiCodes.INVALID_VALUE, m.entries().get("name"), "backendRef name `" + name + "` is a host name "
                    + "(expected: the name of the Service, with `namespace` for another namespace)");
            return null;
        }
        return name == null ? null : new BackendRef(group, kind, ns == null ? namespace : ns, name, port, weight, ops[0], ops[1],
                m.position(), m.path());
    }

    /** istiod's retry conversion: attempts default to 2, codes are retried on besides connection failures. */
    private Retry retry(YamlNode.Mapping m) {
        if (m == null) {
            return null;
        }
        r.keys(m, "attempts", "backoff", "codes");
        int attempts = r.integer(m, "attempts", 0, Integer.MAX_VALUE, 2);
        List<Integer> codes = new ArrayList<>();
        for (YamlNode c : r.list(m, "codes")) {
            String s = c instanceof YamlNode.Scalar sc ? sc.value() : null;
            if (s == null || !s.trim().matches("[45]\\d\\d")) {
                r.error(GatewayApiCodes.INVALID_VALUE, c, "retry code " + (s == null ? c.describe() : "`" + s + "`")
                        + " (expected: an HTTP status 400..599)");
            } else {
                codes.add(Integer.parseInt(s.trim()));
            }
        }
        return new Retry(attempts, codes, r.duration(m, "backoff"));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
