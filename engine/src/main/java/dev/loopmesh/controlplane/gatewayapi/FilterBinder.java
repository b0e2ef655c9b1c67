package dev.loopmesh.controlplane.gatewayapi;

import dev.loopmesh.controlplane.gatewayapi.RouteSpec.BackendRef;
import dev.loopmesh.controlplane.gatewayapi.RouteSpec.Filters;
import dev.loopmesh.controlplane.gatewayapi.RouteSpec.Mirror;
import dev.loopmesh.controlplane.istio.VirtualService;
import dev.loopmesh.policy.routing.CorsPolicy;
import dev.loopmesh.policy.routing.HeaderOps;
import dev.loopmesh.policy.routing.StringMatch;
import dev.loopmesh.topology.SpecFields;
import dev.loopmesh.topology.YamlNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Binds a rule's {@code filters} (and a backendRef's) into the Istio form istiod converts them to
 * (pilot's createHeadersFilter, createRedirectFilter, createRewriteFilter, createMirrorFilter, createCorsFilter).
 */
final class FilterBinder {
    static final List<String> HTTP_TYPES = List.of("RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect",
            "URLRewrite", "RequestMirror", "CORS", "ExtensionRef", "ExternalAuth");
    static final List<String> GRPC_TYPES = List.of("RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror",
            "ExtensionRef");
    /** The backendRef-level filters istiod applies (it rejects the others). */
    private static final List<String> BACKEND_TYPES = List.of("RequestHeaderModifier", "ResponseHeaderModifier");

    /** The filters of one rule, and the type of the first one Loopmesh cannot apply ("" when none). */
    record Bound(Filters filters, String unresolved) {
    }

    private final SpecFields r;
    private final RouteBinder routes;

    FilterBinder(SpecFields reader, RouteBinder routes) {
        this.r = reader;
        this.routes = routes;
    }

    Bound rule(YamlNode.Mapping rule, boolean grpc) {
        HeaderOps request = HeaderOps.NONE;
        HeaderOps response = HeaderOps.NONE;
        VirtualService.Redirect redirect = null;
        VirtualService.Rewrite rewrite = null;
        CorsPolicy cors = null;
        List<Mirror> mirrors = new ArrayList<>();
        String unresolved = "";
        List<String> seen = new ArrayList<>();
        for (YamlNode.Mapping f : r.mappings(rule, "filters")) {
            String type = type(f, grpc ? GRPC_TYPES : HTTP_TYPES);
            if (type == null) {
                continue;
            }
            if (!type.equals("RequestMirror") && !type.equals("ExtensionRef") && seen.contains(type)) {
                r.error(GatewayApiCodes.CONFLICT, f, "filter " + type + " appears twice in one rule (expected: at most once)");
            }
            seen.add(type);
            switch (type) {
                case "RequestHeaderModifier" -> request = headers(r.mapping(f, "requestHeaderModifier"));
                case "ResponseHeaderModifier" -> response = headers(r.mapping(f, "responseHeaderModifier"));
                case "RequestRedirect" -> redirect = redirect(r.mapping(f, "requestRedirect"));
                case "URLRewrite" -> rewrite = rewrite(r.mapping(f, "urlRewrite"));
                case "CORS" -> cors = cors(r.mapping(f, "cors"));
                case "RequestMirror" -> {
                    Mirror m = mirror(r.mapping(f, "requestMirror"));
                    if (m != null) {
                        mirrors.add(m);
                    }
                }
                default -> {
                    // ExtensionRef, ExternalAuth: "If a reference to a custom filter type cannot be resolved, the filter
                    // MUST NOT be skipped. Instead, requests that would have been processed by that filter MUST receive
                    // a HTTP error response" (HTTPRouteFilter.extensionRef): istiod answers 500
                    r.warning(GatewayApiCodes.UNSUPPORTED, f, "filter " + type + " is not available in Loopmesh: as the "
                            + "Gateway API requires for a filter that cannot be applied, requests this rule matches answer 500");
                    if (unresolved.isEmpty()) {
                        unresolved = type;
                    }
                }
            }
        }
        if (redirect != null && rewrite != null) {
            r.error(GatewayApiCodes.CONFLICT, rule.entries().get("filters"), "a rule has RequestRedirect and URLRewrite "
                    + "(expected: one of them; the API server rejects both)");
        }
        return new Bound(new Filters(request, response, redirect, rewrite, mirrors, cors), unresolved);
    }

    /** A backendRef's filters: istiod applies the header modifiers there and rejects the others. */
    HeaderOps[] backend(YamlNode.Mapping ref) {
        HeaderOps request = HeaderOps.NONE;
        HeaderOps response = HeaderOps.NONE;
        for (YamlNode.Mapping f : r.mappings(ref, "filters")) {
            String type = type(f, HTTP_TYPES);
            if (type == null) {
                continue;
            }
            if (!BACKEND_TYPES.contains(type)) {
                r.error(GatewayApiCodes.UNSUPPORTED, f, "filter " + type + " on a backendRef is not supported by istiod "
                        + "(expected: RequestHeaderModifier or ResponseHeaderModifier; put it on the rule)");
            } else if (type.equals("RequestHeaderModifier")) {
                request = headers(r.mapping(f, "requestHeaderModifier"));
            } else {
                response = headers(r.mapping(f, "responseHeaderModifier"));
            }
        }
        return new HeaderOps[] {request, response};
    }

    /** The filter's {@code type}, checked against the one configuration field it must carry; null when wrong. */
    private String type(YamlNode.Mapping f, List<String> types) {
        r.keys(f, "type", "requestHeaderModifier", "responseHeaderModifier", "requestRedirect", "urlRewrite", "requestMirror",
                "cors", "extensionRef", "externalAuth");
        String type = r.required(f, "type");
        if (type == null) {
            return null;
        }
        if (!types.contains(type)) {
            String near = r.nearest(type, types).orElse(null);
            r.error(GatewayApiCodes.INVALID_VALUE, f.entries().get("type"), "filter type `" + type + "` is not valid here"
                    + (near != null ? " (did you mean `" + near + "`?)" : " (expected one of: " + String.join(", ", types) + ")"));
            return null;
        }
        String field = Character.toLowerCase(type.charAt(0)) + type.substring(1);
        field = field.equals("uRLRewrite") ? "urlRewrite" : field.equals("cORS") ? "cors" : field;
        if (!f.entries().containsKey(field)) {
            r.error(GatewayApiCodes.MISSING_FIELD, f, "filter type " + type + " needs `" + field + "`");
            return null;
        }
        for (String other : f.entries().keySet()) {
            if (!other.equals("type") && !other.equals(field)) {
                r.error(GatewayApiCodes.CONFLICT, f.entries().get(other), "`" + other + "` does not belong to a filter of type "
                        + type + " (expected only `" + field + "`)");
            }
        }
        return type;
    }

    /** HTTPHeaderFilter: set, add (lists of name/value) and remove; names are case-insensitive, the first one wins. */
    HeaderOps headers(YamlNode.Mapping m) {
        if (m == null) {
            return HeaderOps.NONE;
        }
        r.keys(m, "set", "add", "remove");
        List<String> remove = new ArrayList<>();
        for (String name : r.strings(m, "remove")) {
            remove.add(name.toLowerCase(Locale.ROOT));
        }
        return new HeaderOps(nameValues(m, "set"), nameValues(m, "add"), remove);
    }

    private Map<String, String> nameValues(YamlNode.Mapping m, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        for (YamlNode.Mapping h : r.mappings(m, key)) {
            r.keys(h, "name", "value");
            String name = r.required(h, "name");
            String value = r.string(h, "value");
            if (value == null && !h.entries().containsKey("value")) {
                r.missing(h, "value", "a header");
            }
            if (name != null && value != null) {
                // "Subsequent entries with an equivalent header name MUST be ignored"
                out.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
            }
        }
        return out;
    }

    private VirtualService.Redirect redirect(YamlNode.Mapping m) {
        if (m == null) {
            return null;
        }
        r.keys(m, "scheme", "hostname", "path", "port", "statusCode");
        String scheme = r.enumValue(m, "scheme", "http", "https");
        String hostname = r.string(m, "hostname");
        int port = r.integer(m, "port", 1, 65535, 0);
        int code = r.integer(m, "statusCode", 300, 399, 302);
        if (code != 302 && code != 301 && code != 303 && code != 307 && code != 308) {
            r.error(GatewayApiCodes.INVALID_VALUE, m.entries().get("statusCode"), "statusCode " + code
                    + " is not a redirect the API allows (expected: 301, 302, 303, 307 or 308)");
        }
        PathModifier path = pathModifier(r.mapping(m, "path"));
        // "When empty, port (if specified) of the request is used" unless the scheme changes (istiod's derivePort)
        String derive = port != 0 ? "" : scheme != null ? "FROM_PROTOCOL_DEFAULT" : "FROM_REQUEST_PORT";
        return new VirtualService.Redirect(path == null ? null : path.value(), hostname, code, scheme, port, derive,
                path != null && path.prefix());
    }

    private VirtualService.Rewrite rewrite(YamlNode.Mapping m) {
        if (m == null) {
            return null;
        }
        r.keys(m, "hostname", "path");
        String hostname = r.string(m, "hostname");
        PathModifier path = pathModifier(r.mapping(m, "path"));
        if (path == null) {
            return new VirtualService.Rewrite(null, hostname, null, null);
        }
        if (path.prefix()) {
            // istiod: a trailing "/" is dropped, and "/" (nothing left) removes the prefix
            String uri = path.value().endsWith("/") ? path.value().substring(0, path.value().length() - 1) : path.value();
            return new VirtualService.Rewrite(uri.isEmpty() ? "/" : uri, hostname, null, null);
        }
        // istiod: ReplaceFullPath is uriRegexRewrite {match: "/.*", rewrite: path}
        return new VirtualService.Rewrite(null, hostname, "/.*", path.value());
    }

    /** HTTPPathModifier: ReplaceFullPath or ReplacePrefixMatch, with the value of its type. */
    private record PathModifier(boolean prefix, String value) {
    }

    private PathModifier pathModifier(YamlNode.Mapping m) {
        if (m == null) {
            return null;
        }
        r.keys(m, "type", "replaceFullPath", "replacePrefixMatch");
        String type = r.enumValue(m, "type", "ReplaceFullPath", "ReplacePrefixMatch");
        if (type == null) {
            if (!m.entries().containsKey("type")) {
                r.error(GatewayApiCodes.MISSING_FIELD, m, "missing `type` (expected: ReplaceFullPath or ReplacePrefixMatch)");
            }
            return null;
        }
        String field = type.equals("ReplaceFullPath") ? "replaceFullPath" : "replacePrefixMatch";
        String other = type.equals("ReplaceFullPath") ? "replacePrefixMatch" : "replaceFullPath";
        if (m.entries().containsKey(other)) {
            r.error(GatewayApiCodes.CONFLICT, m.entries().get(other), "`" + other + "` does not go with type " + type
                    + " (expected: `" + field + "`)");
        }
        String value = r.string(m, field);
        if (value == null) {
            r.error(GatewayApiCodes.MISSING_FIELD, m, "type " + type + " needs `" + field + "`");
            return null;
        }
        if (!value.startsWith("/")) {
            r.error(GatewayApiCodes.INVALID_VALUE, m.entries().get(field), "`" + field + "`: `" + value + "` must start with /");
        }
        return new PathModifier(type.equals("ReplacePrefixMatch"), value);
    }

    private Mirror mirror(YamlNode.Mapping m) {
        if (m == null) {
            return null;
        }
        r.keys(m, "backendRef", "percent", "fraction");
        YamlNode.Mapping ref = r.requiredMapping(m, "backendRef", "requestMirror");
        double percent = 100;
        if (m.entries().containsKey("percent") && m.entries().containsKey("fraction")) {
            r.error(GatewayApiCodes.CONFLICT, m, "requestMirror has percent and fraction (expected: one of them)");
        }
        Long p = r.integer(m, "percent", 0, 100);
        if (p != null) {
            percent = p;
        }
        YamlNode.Mapping fraction = r.mapping(m, "fraction");
        if (fraction != null) {
            r.keys(fraction, "numerator", "denominator");
            Long numerator = r.integer(fraction, "numerator", 0, Integer.MAX_VALUE);
            long denominator = r.integer(fraction, "denominator", 1, Integer.MAX_VALUE, 100);
            if (numerator == null && !fraction.entries().containsKey("numerator")) {
                r.error(GatewayApiCodes.MISSING_FIELD, fraction, "missing `numerator`");
            } else if (numerator != null && numerator > denominator) {
                r.error(GatewayApiCodes.INVALID_VALUE, fraction, "numerator " + numerator + " is above denominator "
                        + denominator + " (expected: a fraction of at most 1)");
            } else if (numerator != null) {
                percent = 100.0 * numerator / denominator;
            }
        }
        BackendRef backend = ref == null ? null : routes.backendRef(ref, false);
        return backend == null ? null : new Mirror(backend, percent);
    }

    private CorsPolicy cors(YamlNode.Mapping m) {
        if (m == null) {
            return null;
        }
        r.keys(m, "allowOrigins", "allowCredentials", "allowMethods", "allowHeaders", "exposeHeaders", "maxAge");
        List<StringMatch> origins = new ArrayList<>();
        for (String o : r.strings(m, "allowOrigins")) {
            origins.add(StringMatch.exact(o));
        }
        Long maxAge = r.integer(m, "maxAge", 1, Integer.MAX_VALUE);
        Boolean credentials = r.bool(m, "allowCredentials");
        return new CorsPolicy(origins, r.strings(m, "allowMethods"), r.strings(m, "allowHeaders"), r.strings(m, "exposeHeaders"),
                maxAge == null ? null : Duration.ofSeconds(maxAge), credentials != null && credentials ? Boolean.TRUE : null);
    }
}
