package dev.loopmesh.security;

import dev.loopmesh.policy.authn.Jwks;
import dev.loopmesh.policy.authn.JwtRule;
import dev.loopmesh.policy.authn.MtlsMode;
import dev.loopmesh.policy.authn.PeerAuthentication;
import dev.loopmesh.policy.authn.RequestAuthentication;
import dev.loopmesh.policy.authz.Action;
import dev.loopmesh.policy.authz.AuthorizationPolicy;
import dev.loopmesh.policy.authz.IpBlock;
import dev.loopmesh.policy.authz.Rule;
import dev.loopmesh.policy.authz.StringMatcher;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.SpecFields;
import dev.loopmesh.topology.Suggestions;
import dev.loopmesh.topology.YamlNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Binds {@code security.istio.io} resources: PeerAuthentication, AuthorizationPolicy, RequestAuthentication. */
final class IstioSecurityBinder {
    static final String GROUP = "security.istio.io";
    static final List<String> CONDITION_KEYS = List.of("request.headers[]", "source.ip", "remote.ip", "source.namespace",
            "source.principal", "source.serviceAccount", "request.auth.principal", "request.auth.audiences",
            "request.auth.presenter", "request.auth.claims[]", "destination.ip", "destination.port", "connection.sni");

    private final SpecFields f;
    private final SecuritySettings settings;

    IstioSecurityBinder(SpecFields f, SecuritySettings settings) {
        this.f = f;
        this.settings = settings;
    }

    // --- PeerAuthentication ---

    PeerAuthentication peerAuthentication(MeshResource r) {
        YamlNode.Mapping spec = r.spec();
        f.keys(spec, "selector", "mtls", "portLevelMtls");
        Map<String, String> selector = selector(spec);
        MtlsMode mode = MtlsMode.UNSET;
        YamlNode.Mapping mtls = f.mapping(spec, "mtls");
        if (mtls != null) {
            mode = mode(mtls);
        }
        Map<Integer, MtlsMode> ports = new LinkedHashMap<>();
        YamlNode.Mapping pl = f.mapping(spec, "portLevelMtls");
        if (pl != null) {
            if (selector == null) {
                // Istio's validation: "portLevelMtls requires selector"
                f.error(SecurityCodes.CONFLICT, pl, "portLevelMtls needs a `selector` (Istio applies port-level mTLS to selected workloads only)");
            }
            for (Map.Entry<String, YamlNode> e : pl.entries().entrySet()) {
                int port;
                try {
                    port = Integer.parseInt(e.getKey().trim());
                } catch (NumberFormatException x) {
                    port = -1;
                }
                if (port < 1 || port > 65535) {
                    f.error(SecurityCodes.INVALID_VALUE, pl.keyPosition(e.getKey()), SpecFields.child(pl, e.getKey()),
                            "port `" + e.getKey() + "` (expected: a port number 1..65535)");
                    continue;
                }
                if (e.getValue() instanceof YamlNode.Mapping) {
                    YamlNode.Mapping m = (YamlNode.Mapping) e.getValue();
                    ports.put(port, mode(m));
                } else {
                    f.error(SecurityCodes.WRONG_TYPE, e.getValue(), "port " + port + " is " + e.getValue().describe() + " (expected: {mode: STRICT})");
                }
            }
        }
        return new PeerAuthentication(r.name(), r.namespace(), selector, mode, ports, r.position());
    }

    private MtlsMode mode(YamlNode.Mapping m) {
        f.keys(m, "mode");
        String s = f.enumValue(m, "mode", "UNSET", "DISABLE", "PERMISSIVE", "STRICT");
        return s == null ? MtlsMode.UNSET : MtlsMode.valueOf(s);
    }

    /** {@code selector: {matchLabels: …}}: null when absent. */
    private Map<String, String> selector(YamlNode.Mapping spec) {
        YamlNode.Mapping sel = f.mapping(spec, "selector");
        if (sel == null) {
            return null;
        }
        f.keys(sel, "matchLabels");
        return f.stringMap(sel, "matchLabels");
    }

    /** {@code targetRef} / {@code targetRefs} as {@code Kind/name}. */
    private List<String> targets(YamlNode.Mapping spec) {
        List<YamlNode.Mapping> refs = new ArrayList<>();
        YamlNode.Mapping one = f.mapping(spec, "targetRef");
        if (one != null) {
            refs.add(one);
        }
        refs.addAll(f.mappings(spec, "targetRefs"));
        List<String> out = new ArrayList<>();
        for (YamlNode.Mapping t : refs) {
            f.keys(t, "group", "kind", "name", "namespace");
            String kind = f.enumValue(t, "kind", "Service", "ServiceEntry", "Gateway", "GatewayClass");
            String name = f.requiredString(t, "name", "a targetRef");
            if (kind != null && name != null) {
                out.add(kind + "/" + name);
            }
        }
        if (!out.isEmpty() && SpecFields.node(spec, "selector") != null) {
            f.error(SecurityCodes.CONFLICT, spec, "both `selector` and `targetRef` are set (expected: only one of them)");
        }
        return out;
    }

    // --- AuthorizationPolicy ---

    AuthorizationPolicy authorizationPolicy(MeshResource r) {
        YamlNode.Mapping spec = r.spec();
        f.keys(spec, "selector", "targetRef", "targetRefs", "rules", "action", "provider");
        Map<String, String> selector = selector(spec);
        List<String> targets = targets(spec);
        String a = f.enumValue(spec, "action", "ALLOW", "DENY", "AUDIT", "CUSTOM");
        Action action = a == null ? Action.ALLOW : Action.valueOf(a);
        String provider = "";
        YamlNode.Mapping prov = f.mapping(spec, "provider");
        if (prov != null) {
            f.keys(prov, "name");
            provider = f.requiredString(prov, "name", "provider");
            provider = provider == null ? "" : provider;
            if (action != Action.CUSTOM) {
                f.error(SecurityCodes.CONFLICT, prov, "`provider` is set but the action is " + action + " (expected: action CUSTOM)");
            }
        }
        if (action == Action.CUSTOM) {
            if (prov == null) {
                f.error(SecurityCodes.MISSING_FIELD, spec, "action CUSTOM needs `provider.name` (an extensionProvider of the mesh)");
            } else if (!provider.isEmpty() && !settings.extensionProviders().contains(provider)) {
                f.error(SecurityCodes.UNKNOWN_PROVIDER, prov.entries().get("name"), "CUSTOM provider `" + provider
                        + "` is not configured (expected: one of the MeshConfig's extensionProviders"
                        + (settings.extensionProviders().isEmpty() ? ", and this mesh defines none" : ": " + String.join(", ", settings.extensionProviders()))
                        + Suggestions.didYouMean(provider, settings.extensionProviders()) + ")");
            }
        }
        List<Rule> rules = new ArrayList<>();
        for (YamlNode.Mapping rule : f.mappings(spec, "rules")) {
            rules.add(rule(rule));
        }
        String dry = r.annotations().get("istio.io/dry-run");
        boolean dryRun = "true".equalsIgnoreCase(dry);
        if (dry != null && !dry.equalsIgnoreCase("true") && !dry.equalsIgnoreCase("false")) {
            f.error(SecurityCodes.INVALID_VALUE, r.position(), "metadata.annotations.istio.io/dry-run",
                    "`istio.io/dry-run`: `" + dry + "` (expected: \"true\" or \"false\")");
        }
        if (dryRun && (action == Action.CUSTOM || action == Action.AUDIT)) {
            f.warning(SecurityCodes.CONFLICT, r.position(), "metadata.annotations", "istio.io/dry-run has no effect on a " + action + " policy");
        }
        return new AuthorizationPolicy(r.name(), r.namespace(), action, selector, targets, rules, dryRun, provider, r.position());
    }

    private Rule rule(YamlNode.Mapping m) {
        f.keys(m, "from", "to", "when");
        List<Rule.Source> from = new ArrayList<>();
        for (YamlNode.Mapping fr : f.mappings(m, "from")) {
            f.keys(fr, "source");
            YamlNode.Mapping s = f.mapping(fr, "source");
            if (s == null) {
                f.missing(fr, "source", "a `from` item");
                continue;
            }
            f.keys(s, "principals", "notPrincipals", "requestPrincipals", "notRequestPrincipals", "namespaces", "notNamespaces",
                    "ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks", "serviceAccounts", "notServiceAccounts");
            emptySection(s, "source");
            from.add(new Rule.Source(matchers(s, "principals"), matchers(s, "notPrincipals"), matchers(s, "requestPrincipals"),
                    matchers(s, "notRequestPrincipals"), matchers(s, "namespaces"), matchers(s, "notNamespaces"),
                    ips(s, "ipBlocks"), ips(s, "notIpBlocks"), ips(s, "remoteIpBlocks"), ips(s, "notRemoteIpBlocks")));
        }
        List<Rule.Operation> to = new ArrayList<>();
        for (YamlNode.Mapping t : f.mappings(m, "to")) {
            f.keys(t, "operation");
            YamlNode.Mapping o = f.mapping(t, "operation");
            if (o == null) {
                f.missing(t, "operation", "a `to` item");
                continue;
            }
            f.keys(o, "hosts", "notHosts", "ports", "notPorts", "methods", "notMethods", "paths", "notPaths");
            emptySection(o, "operation");
            to.add(new Rule.Operation(hostMatchers(o, "hosts"), hostMatchers(o, "notHosts"), ports(o, "ports"), ports(o, "notPorts"),
                    matchers(o, "methods"), matchers(o, "notMethods"), matchers(o, "paths"), matchers(o, "notPaths")));
        }
        List<Rule.Condition> when = new ArrayList<>();
        for (YamlNode.Mapping w : f.mappings(m, "when")) {
            f.keys(w, "key", "values", "notValues");
            String key = f.requiredString(w, "key", "a `when` condition");
            List<String> values = f.strings(w, "values");
            List<String> notValues = f.strings(w, "notValues");
            if (values.isEmpty() && notValues.isEmpty()) {
                f.error(SecurityCodes.MISSING_FIELD, w, "a `when` condition needs `values` or `notValues`");
            }
            if (key != null && checkKey(w, key, values, notValues)) {
                when.add(new Rule.Condition(key, values, notValues));
            }
        }
        return new Rule(from, to, when);
    }

    private void emptySection(YamlNode.Mapping m, String what) {
        if (m.entries().isEmpty()) {
            // Istio: "source/operation must not be empty"
            f.error(SecurityCodes.MISSING_FIELD, m, "an empty " + what + " (expected: at least one field)");
        }
    }

    private boolean checkKey(YamlNode.Mapping w, String key, List<String> values, List<String> notValues) {
        YamlNode at = w.entries().get("key");
        String generic = key.replaceAll("\\[.*]$", "[]");
        if (key.startsWith("experimental.envoy.filters.")) {
            return true;
        }
        if (!CONDITION_KEYS.contains(generic) || generic.endsWith("[]") && key.endsWith("[]")) {
            f.error(SecurityCodes.UNKNOWN_CONDITION, at, "unknown condition key `" + key + "`"
                    + Suggestions.nearest(generic, CONDITION_KEYS).map(s -> " — did you mean `" + s + "`?")
                    .orElse(" (expected one of: " + String.join(", ", CONDITION_KEYS) + ")"));
            return false;
        }
        if (key.equals("source.ip") || key.equals("remote.ip") || key.equals("destination.ip")) {
            boolean ok = true;
            for (String v : concat(values, notValues)) {
                try {
                    IpBlock.parse(v);
                } catch (IllegalArgumentException e) {
                    f.error(SecurityCodes.BAD_CIDR, w, key + ": " + e.getMessage());
                    ok = false;
                }
            }
            return ok;
        }
        if (key.equals("destination.port")) {
            for (String v : concat(values, notValues)) {
                if (!v.matches("\\d{1,5}") || Integer.parseInt(v) > 65535) {
                    f.error(SecurityCodes.INVALID_VALUE, w, "destination.port: `" + v + "` (expected: a port number)");
                    return false;
                }
            }
        }
        return true;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private List<StringMatcher> matchers(YamlNode.Mapping m, String key) {
        return matchers(m, key, false);
    }

    private List<StringMatcher> hostMatchers(YamlNode.Mapping m, String key) {
        return matchers(m, key, true);
    }

    private List<StringMatcher> matchers(YamlNode.Mapping m, String key, boolean ignoreCase) {
        List<StringMatcher> out = new ArrayList<>();
        for (String v : f.strings(m, key)) {
            if (v.length() > 1 && v.substring(1, v.length() - 1).contains("*")) {
                // Istio supports exact, prefix (abc*), suffix (*abc) and presence (*) only
                f.error(SecurityCodes.INVALID_VALUE, m.entries().get(key), "`" + key + "`: `" + v
                        + "` has `*` in the middle (expected: exact, prefix `abc*`, suffix `*abc` or presence `*`)");
                continue;
            }
            if (key.equals("methods") || key.equals("notMethods")) {
                if (!v.equals(v.toUpperCase(java.util.Locale.ROOT))) {
                    f.warning(SecurityCodes.INVALID_VALUE, m.entries().get(key), "method `" + v
                            + "` is not upper case: it never matches (Istio rejects lower-case methods with 400)");
                }
            }
            out.add(new StringMatcher(v, ignoreCase));
        }
        return out;
    }

    private List<String> ports(YamlNode.Mapping m, String key) {
        List<String> out = new ArrayList<>();
        for (String v : f.strings(m, key)) {
            if (!v.matches("\\d{1,5}") || Integer.parseInt(v) < 1 || Integer.parseInt(v) > 65535) {
                f.error(SecurityCodes.INVALID_VALUE, m.entries().get(key), "`" + key + "`: `" + v + "` (expected: a port number 1..65535)");
            } else {
                out.add(v);
            }
        }
        return out;
    }

    private List<IpBlock> ips(YamlNode.Mapping m, String key) {
        List<IpBlock> out = new ArrayList<>();
        for (String v : f.strings(m, key)) {
            try {
                out.add(IpBlock.parse(v));
            } catch (IllegalArgumentException e) {
                f.error(SecurityCodes.BAD_CIDR, m.entries().get(key), "`" + key + "`: " + e.getMessage());
            }
        }
        return out;
    }

    // --- RequestAuthentication ---

    RequestAuthentication requestAuthentication(MeshResource r) {
        YamlNode.Mapping spec = r.spec();
        f.keys(spec, "selector", "targetRef", "targetRefs", "jwtRules");
        Map<String, String> selector = selector(spec);
        List<String> targets = targets(spec);
        List<JwtRule> rules = new ArrayList<>();
        for (YamlNode.Mapping j : f.mappings(spec, "jwtRules")) {
            int mark = f.problems.size();
            JwtRule rule = jwtRule(j, r);
            if (rule != null && !f.errorsSince(mark)) {
                rules.add(rule);
            }
        }
        return new RequestAuthentication(r.name(), r.namespace(), selector, targets, rules, r.position());
    }

    private JwtRule jwtRule(YamlNode.Mapping j, MeshResource r) {
        f.keys(j, "issuer", "audiences", "jwksUri", "jwks", "fromHeaders", "fromParams", "fromCookies", "outputPayloadToHeader",
                "forwardOriginalToken", "outputClaimToHeaders", "timeout");
        String issuer = f.requiredString(j, "issuer", "a jwtRule");
        List<String> audiences = f.strings(j, "audiences");
        String inline = f.string(j, "jwks");
        String uri = f.string(j, "jwksUri");
        Jwks jwks = null;
        if (inline != null && uri != null) {
            f.error(SecurityCodes.CONFLICT, j, "both `jwks` and `jwksUri` are set (expected: one of them)");
        } else if (inline != null) {
            try {
                jwks = Jwks.parse(inline);
            } catch (IllegalArgumentException e) {
                f.error(SecurityCodes.BAD_JWKS, j.entries().get("jwks"), "`jwks`: " + e.getMessage());
            }
        } else if (uri != null) {
            jwks = jwksFromUri(j, uri, r);
        } else {
            f.error(SecurityCodes.MISSING_FIELD, j, "a jwtRule needs `jwks` or `jwksUri` (Loopmesh reads jwksUri from file: URLs only)");
        }
        List<JwtRule.HeaderLocation> headers = new ArrayList<>();
        for (YamlNode.Mapping h : f.mappings(j, "fromHeaders")) {
            f.keys(h, "name", "prefix");
            String name = f.requiredString(h, "name", "a fromHeaders item");
            if (name != null) {
                headers.add(new JwtRule.HeaderLocation(name.toLowerCase(java.util.Locale.ROOT), f.string(h, "prefix")));
            }
        }
        List<String> params = f.strings(j, "fromParams");
        f.strings(j, "fromCookies");
        List<JwtRule.ClaimToHeader> claims = new ArrayList<>();
        for (YamlNode.Mapping c : f.mappings(j, "outputClaimToHeaders")) {
            f.keys(c, "header", "claim");
            String h = f.requiredString(c, "header", "an outputClaimToHeaders item");
            String cl = f.requiredString(c, "claim", "an outputClaimToHeaders item");
            if (h != null && cl != null) {
                claims.add(new JwtRule.ClaimToHeader(h, cl));
            }
        }
        Boolean forward = f.bool(j, "forwardOriginalToken");
        if (issuer == null || jwks == null) {
            return null;
        }
        return new JwtRule(issuer, audiences, jwks, headers, params, claims, f.string(j, "outputPayloadToHeader"),
                forward != null && forward);
    }

    private Jwks jwksFromUri(YamlNode.Mapping j, String uri, MeshResource r) {
        YamlNode at = j.entries().get("jwksUri");
        if (!uri.startsWith("file:")) {
            f.error(SecurityCodes.BAD_JWKS, at, "`jwksUri`: `" + uri + "` — Loopmesh never fetches keys from the network "
                    + "(expected: a file: URL, or the keys inline in `jwks`)");
            return null;
        }
        String p = uri.substring("file:".length());
        if (p.startsWith("//")) {
            p = p.substring(2);
        }
        Path path = Path.of(p);
        if (!path.isAbsolute() && !r.position().file().startsWith("<")) {
            Path base = Path.of(r.position().file()).toAbsolutePath().getParent();
            if (base != null) {
                path = base.resolve(p);
            }
        }
        try {
            return Jwks.parse(Files.readString(path));
        } catch (IOException e) {
            f.error(SecurityCodes.BAD_JWKS, at, "`jwksUri`: cannot read " + path + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            f.error(SecurityCodes.BAD_JWKS, at, "`jwksUri`: " + path + ": " + e.getMessage());
        }
        return null;
    }
}
