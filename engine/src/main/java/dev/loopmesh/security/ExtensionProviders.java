package dev.loopmesh.security;

import dev.loopmesh.topology.SpecFields;
import dev.loopmesh.policy.authz.ExtAuthzProvider;
import dev.loopmesh.policy.authz.StringMatcher;
import dev.loopmesh.topology.YamlNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Binds one item of MeshConfig {@code extensionProviders}. Loopmesh's proxies speak the ext_authz HTTP
 * API ({@code envoyExtAuthzHttp}); the other kinds of Istio are accepted with a warning that nothing
 * uses them, and an item without any kind is an error, as istiod's validation says.
 */
final class ExtensionProviders {
    static final List<String> KINDS = List.of("envoyExtAuthzHttp", "envoyExtAuthzGrpc", "zipkin", "lightstep", "datadog",
            "stackdriver", "opencensus", "skywalking", "opentelemetry", "prometheus", "envoyFileAccessLog", "envoyHttpAls",
            "envoyTcpAls", "envoyOtelAls");

    private ExtensionProviders() {
    }

    /** The HTTP ext_authz provider of {@code p}, or null when it is of another kind or has errors. */
    static ExtAuthzProvider bind(SpecFields f, YamlNode.Mapping p, String name) {
        List<String> keys = new ArrayList<>(KINDS);
        keys.add(0, "name");
        f.keys(p, keys.toArray(new String[0]));
        List<String> kinds = p.entries().keySet().stream().filter(KINDS::contains).toList();
        if (kinds.isEmpty()) {
            f.error(SecurityCodes.MISSING_FIELD, p, "extensionProvider `" + name + "` has no provider (expected one of: "
                    + String.join(", ", KINDS) + "; a CUSTOM AuthorizationPolicy needs envoyExtAuthzHttp)");
            return null;
        }
        if (kinds.size() > 1) {
            f.error(SecurityCodes.CONFLICT, p, "extensionProvider `" + name + "` sets " + String.join(" and ", kinds) + " (expected: exactly one)");
            return null;
        }
        String kind = kinds.get(0);
        if (kind.equals("envoyExtAuthzGrpc")) {
            f.warning(SecurityCodes.UNSUPPORTED, p.entries().get(kind), "extensionProvider `" + name + "`: Loopmesh's proxies speak the "
                    + "ext_authz HTTP API only (envoyExtAuthzHttp); requests a CUSTOM policy sends to this provider fail their check");
            return null;
        }
        if (!kind.equals("envoyExtAuthzHttp")) {
            f.warning(SecurityCodes.UNSUPPORTED, p.entries().get(kind), "extensionProvider `" + name + "`: " + kind
                    + " is not emulated by Loopmesh and is ignored");
            return null;
        }
        YamlNode.Mapping h = f.mapping(p, kind);
        if (h == null) {
            return null;
        }
        int mark = f.problems.size();
        f.keys(h, "service", "port", "timeout", "pathPrefix", "failOpen", "statusOnError", "includeRequestHeadersInCheck",
                "includeHeadersInCheck", "includeAdditionalHeadersInCheck", "includeRequestBodyInCheck", "headersToUpstreamOnAllow",
                "headersToDownstreamOnDeny", "headersToDownstreamOnAllow");
        String service = f.requiredString(h, "service", "envoyExtAuthzHttp");
        Long port = f.integer(h, "port", 1, 65535);
        if (port == null && SpecFields.node(h, "port") == null) {
            f.missing(h, "port", "envoyExtAuthzHttp");
        }
        Duration timeout = null;
        String t = f.string(h, "timeout");
        if (t != null) {
            try {
                timeout = dev.loopmesh.topology.Durations.parse(t);
            } catch (IllegalArgumentException e) {
                f.error(SecurityCodes.INVALID_VALUE, h.entries().get("timeout"), "`timeout`: " + e.getMessage());
            }
        }
        int statusOnError = 403;
        String st = f.string(h, "statusOnError");
        if (st != null) {
            if (st.trim().matches("\\d{3}") && Integer.parseInt(st.trim()) >= 200 && Integer.parseInt(st.trim()) <= 599) {
                statusOnError = Integer.parseInt(st.trim());
            } else {
                f.error(SecurityCodes.INVALID_VALUE, h.entries().get("statusOnError"), "`statusOnError`: `" + st + "` (expected: an HTTP status like \"403\")");
            }
        }
        Boolean failOpen = f.bool(h, "failOpen");
        List<StringMatcher> include = headers(f, h, "includeRequestHeadersInCheck");
        if (SpecFields.node(h, "includeHeadersInCheck") != null) {
            f.warning(SecurityCodes.UNSUPPORTED, h.entries().get("includeHeadersInCheck"),
                    "`includeHeadersInCheck` is deprecated (Istio reads it as includeRequestHeadersInCheck; use that)");
            include.addAll(headers(f, h, "includeHeadersInCheck"));
        }
        if (SpecFields.node(h, "includeRequestBodyInCheck") != null) {
            f.warning(SecurityCodes.UNSUPPORTED, h.entries().get("includeRequestBodyInCheck"),
                    "`includeRequestBodyInCheck` is not emulated: Loopmesh sends the check without the request body");
        }
        var additional = f.stringMap(h, "includeAdditionalHeadersInCheck");
        List<StringMatcher> upstream = headers(f, h, "headersToUpstreamOnAllow");
        List<StringMatcher> onDeny = headers(f, h, "headersToDownstreamOnDeny");
        List<StringMatcher> onAllow = headers(f, h, "headersToDownstreamOnAllow");
        if (f.errorsSince(mark) || service == null || port == null || name == null) {
            return null;
        }
        return new ExtAuthzProvider(name, service, port.intValue(), timeout, f.string(h, "pathPrefix"), failOpen != null && failOpen,
                statusOnError, include, additional, upstream, onDeny, onAllow);
    }

    /** Header name patterns: exact, prefix {@code x-*} or suffix {@code *-id}, matched case-insensitively. */
    private static List<StringMatcher> headers(SpecFields f, YamlNode.Mapping h, String key) {
        List<StringMatcher> out = new ArrayList<>();
        for (String v : f.strings(h, key)) {
            if (v.equals("*") || v.length() > 1 && v.substring(1, v.length() - 1).contains("*")) {
                f.error(SecurityCodes.INVALID_VALUE, h.entries().get(key), "`" + key + "`: `" + v
                        + "` (expected: an exact name, a prefix `x-*` or a suffix `*-id`; no presence match)");
                continue;
            }
            out.add(new StringMatcher(v.toLowerCase(java.util.Locale.ROOT), true));
        }
        return out;
    }
}
