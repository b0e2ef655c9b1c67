package dev.loopmesh.security;

import dev.loopmesh.policy.authz.IpBlock;
import dev.loopmesh.policy.authz.linkerd.DefaultPolicy;
import dev.loopmesh.policy.authz.linkerd.LinkerdAuthorization;
import dev.loopmesh.policy.authz.linkerd.LinkerdPolicy;
import dev.loopmesh.policy.authz.linkerd.LinkerdServer;
import dev.loopmesh.policy.ratelimit.LabelSelector;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.SpecFields;
import dev.loopmesh.topology.YamlNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds Linkerd's {@code policy.linkerd.io} authorization resources: Server, ServerAuthorization (legacy),
 * AuthorizationPolicy, MeshTLSAuthentication and NetworkAuthentication, resolving the references between
 * them into {@link LinkerdAuthorization}s.
 */
final class LinkerdBinder {
    static final String GROUP = "policy.linkerd.io";

    private final SpecFields f;
    private final String trustDomain;
    final List<LinkerdServer> servers = new ArrayList<>();
    final List<LinkerdAuthorization> authorizations = new ArrayList<>();

    private record Authn(boolean authenticated, List<String> identities, List<IpBlock> networks, List<IpBlock> except) {
    }

    LinkerdBinder(SpecFields f, String trustDomain) {
        this.f = f;
        this.trustDomain = trustDomain;
    }

    void bind(List<MeshResource> resources) {
        Map<String, Authn> authns = new LinkedHashMap<>();
        Map<String, MeshResource> serverResources = new LinkedHashMap<>();
        for (MeshResource r : resources) {
            if (!r.group().equals(GROUP)) {
                continue;
            }
            int mark = f.problems.size();
            switch (r.kind()) {
                case "Server": {
                    LinkerdServer s = server(r);
                    if (s != null && !f.errorsSince(mark)) {
                        servers.add(s);
                        serverResources.put(r.namespace() + "/" + r.name(), r);
                    }
                    break;
                }
                case "MeshTLSAuthentication": {
                    Authn a = meshTls(r);
                    if (!f.errorsSince(mark)) {
                        authns.put("MeshTLSAuthentication/" + r.namespace() + "/" + r.name(), a);
                    }
                    break;
                }
                case "NetworkAuthentication": {
                    Authn a = network(r);
                    if (!f.errorsSince(mark)) {
                        authns.put("NetworkAuthentication/" + r.namespace() + "/" + r.name(), a);
                    }
                    break;
                }
                default:
                    break;
            }
        }
        for (MeshResource r : resources) {
            if (!r.group().equals(GROUP)) {
                continue;
            }
            int mark = f.problems.size();
            LinkerdAuthorization a = r.kind().equals("ServerAuthorization") ? serverAuthorization(r, serverResources)
                    : r.kind().equals("AuthorizationPolicy") ? authorizationPolicy(r, authns, serverResources) : null;
            if (a != null && !f.errorsSince(mark)) {
                authorizations.add(a);
            }
        }
    }

    private LinkerdServer server(MeshResource r) {
        YamlNode.Mapping spec = r.spec();
        f.keys(spec, "podSelector", "port", "proxyProtocol", "accessPolicy");
        YamlNode.Mapping sel = f.mapping(spec, "podSelector");
        LabelSelector selector = null;
        if (sel == null) {
            f.missing(spec, "podSelector", "a Server spec");
        } else {
            f.keys(sel, "matchLabels", "matchExpressions");
            List<LabelSelector.Expression> exprs = new ArrayList<>();
            for (YamlNode.Mapping e : f.mappings(sel, "matchExpressions")) {
                f.keys(e, "key", "operator", "values");
                String key = f.requiredString(e, "key", "a matchExpression");
                String op = f.enumValue(e, "operator", "In", "NotIn", "Exists", "DoesNotExist");
                if (key != null && op != null) {
                    exprs.add(new LabelSelector.Expression(key, op, f.strings(e, "values")));
                }
            }
            selector = new LabelSelector(f.stringMap(sel, "matchLabels"), exprs);
        }
        String port = f.requiredString(spec, "port", "a Server spec");
        f.enumValue(spec, "proxyProtocol", "unknown", "HTTP/1", "HTTP/2", "gRPC", "opaque", "TLS");
        String access = f.string(spec, "accessPolicy");
        DefaultPolicy ap = DefaultPolicy.DENY;
        if (access != null) {
            try {
                ap = DefaultPolicy.parse(access);
            } catch (IllegalArgumentException e) {
                f.error(SecurityCodes.INVALID_VALUE, spec.entries().get("accessPolicy"), e.getMessage()
                        + dev.loopmesh.topology.Suggestions.didYouMean(access, DefaultPolicy.values(true)));
            }
        }
        return selector == null || port == null ? null : new LinkerdServer(r.name(), r.namespace(), selector, port, ap, r.position());
    }

    private Authn meshTls(MeshResource r) {
        YamlNode.Mapping spec = r.spec();
        f.keys(spec, "identities", "identityRefs");
        List<String> ids = new ArrayList<>(f.strings(spec, "identities"));
        for (YamlNode.Mapping ref : f.mappings(spec, "identityRefs")) {
            f.keys(ref, "group", "kind", "name", "namespace");
            String kind = f.enumValue(ref, "kind", "ServiceAccount", "Namespace");
            String name = f.string(ref, "name");
            String ns = f.string(ref, "namespace");
            if ("ServiceAccount".equals(kind)) {
                ids.add(name == null || name.equals("*") ? "*." + (ns == null ? r.namespace() : ns) + ".serviceaccount.identity.linkerd." + trustDomain
                        : name + "." + (ns == null ? r.namespace() : ns) + ".serviceaccount.identity.linkerd." + trustDomain);
            } else if ("Namespace".equals(kind)) {
                ids.add("*." + (name == null ? r.namespace() : name) + ".serviceaccount.identity.linkerd." + trustDomain);
            }
        }
        if (ids.isEmpty()) {
            f.error(SecurityCodes.MISSING_FIELD, spec, "a MeshTLSAuthentication needs `identities` or `identityRefs`");
        }
        return new Authn(true, ids.contains("*") ? List.of() : ids, List.of(), List.of());
    }

    private Authn network(MeshResource r) {
        YamlNode.Mapping spec = r.spec();
        f.keys(spec, "networks");
        List<IpBlock> nets = new ArrayList<>();
        List<IpBlock> except = new ArrayList<>();
        networks(spec, nets, except);
        if (nets.isEmpty()) {
            f.error(SecurityCodes.MISSING_FIELD, spec, "a NetworkAuthentication needs `networks`");
        }
        return new Authn(false, List.of(), nets, except);
    }

    private void networks(YamlNode.Mapping m, List<IpBlock> nets, List<IpBlock> except) {
        for (YamlNode.Mapping n : f.mappings(m, "networks")) {
            f.keys(n, "cidr", "except");
            String cidr = f.requiredString(n, "cidr", "a network");
            try {
                if (cidr != null) {
                    nets.add(IpBlock.parse(cidr));
                }
                for (String e : f.strings(n, "except")) {
                    except.add(IpBlock.parse(e));
                }
            } catch (IllegalArgumentException e) {
                f.error(SecurityCodes.BAD_CIDR, n, e.getMessage());
            }
        }
    }

    private LinkerdAuthorization serverAuthorization(MeshResource r, Map<String, MeshResource> servers) {
        YamlNode.Mapping spec = r.spec();
        f.keys(spec, "server", "client");
        List<String> names = new ArrayList<>();
        YamlNode.Mapping server = f.mapping(spec, "server");
        if (server == null) {
            f.missing(spec, "server", "a ServerAuthorization spec");
        } else {
            f.keys(server, "name", "selector");
            String name = f.string(server, "name");
            YamlNode.Mapping sel = f.mapping(server, "selector");
            if (name != null) {
                if (!servers.containsKey(r.namespace() + "/" + name)) {
                    f.error(SecurityCodes.UNKNOWN_REFERENCE, server.entries().get("name"), "no Server `" + name + "` in namespace "
                            + r.namespace() + dev.loopmesh.topology.Suggestions.didYouMean(name, serverNames(servers, r.namespace())));
                }
                names.add(name);
            } else if (sel != null) {
                f.keys(sel, "matchLabels");
                Map<String, String> labels = f.stringMap(sel, "matchLabels");
                for (MeshResource s : servers.values()) {
                    if (s.namespace().equals(r.namespace()) && s.labels().entrySet().containsAll(labels.entrySet())) {
                        names.add(s.name());
                    }
                }
            } else {
                f.error(SecurityCodes.MISSING_FIELD, server, "`server` needs `name` or `selector`");
            }
        }
        YamlNode.Mapping client = f.mapping(spec, "client");
        if (client == null) {
            f.missing(spec, "client", "a ServerAuthorization spec");
            return null;
        }
        f.keys(client, "meshTLS", "unauthenticated", "networks");
        Boolean unauth = f.bool(client, "unauthenticated");
        List<IpBlock> nets = new ArrayList<>();
        List<IpBlock> except = new ArrayList<>();
        networks(client, nets, except);
        YamlNode.Mapping mtls = f.mapping(client, "meshTLS");
        boolean authenticated = false;
        List<String> ids = new ArrayList<>();
        if (mtls != null) {
            f.keys(mtls, "identities", "serviceAccounts", "unauthenticatedTLS");
            Boolean unauthTls = f.bool(mtls, "unauthenticatedTLS");
            authenticated = unauthTls == null || !unauthTls;
            ids.addAll(f.strings(mtls, "identities"));
            for (YamlNode.Mapping sa : f.mappings(mtls, "serviceAccounts")) {
                f.keys(sa, "name", "namespace");
                String name = f.requiredString(sa, "name", "a serviceAccounts item");
                String ns = f.string(sa, "namespace");
                if (name != null) {
                    ids.add(name + "." + (ns == null ? r.namespace() : ns) + ".serviceaccount.identity.linkerd." + trustDomain);
                }
            }
            if (ids.contains("*")) {
                ids.clear();
            }
        } else if (unauth == null || !unauth) {
            f.error(SecurityCodes.MISSING_FIELD, client, "`client` needs `meshTLS` or `unauthenticated: true`");
        }
        return new LinkerdAuthorization("ServerAuthorization " + r.namespace() + "/" + r.name(), r.namespace(), names, false,
                authenticated, ids, nets, except);
    }

    private LinkerdAuthorization authorizationPolicy(MeshResource r, Map<String, Authn> authns, Map<String, MeshResource> servers) {
        YamlNode.Mapping spec = r.spec();
        f.keys(spec, "targetRef", "requiredAuthenticationRefs");
        YamlNode.Mapping t = f.mapping(spec, "targetRef");
        List<String> names = new ArrayList<>();
        boolean wholeNs = false;
        if (t == null) {
            f.missing(spec, "targetRef", "an AuthorizationPolicy spec");
        } else {
            f.keys(t, "group", "kind", "name", "namespace");
            String kind = f.enumValue(t, "kind", "Server", "Namespace", "HTTPRoute", "GRPCRoute");
            String name = f.requiredString(t, "name", "a targetRef");
            if ("Server".equals(kind) && name != null) {
                if (!servers.containsKey(r.namespace() + "/" + name)) {
                    f.error(SecurityCodes.UNKNOWN_REFERENCE, t.entries().get("name"), "no Server `" + name + "` in namespace " + r.namespace()
                            + dev.loopmesh.topology.Suggestions.didYouMean(name, serverNames(servers, r.namespace())));
                }
                names.add(name);
            } else if ("Namespace".equals(kind)) {
                wholeNs = true;
            } else if (kind != null) {
                f.warning(SecurityCodes.UNSUPPORTED, t, "Loopmesh does not model Linkerd " + kind + " targets yet: this policy is ignored");
                return null;
            }
        }
        boolean authenticated = false;
        List<String> ids = new ArrayList<>();
        List<IpBlock> nets = new ArrayList<>();
        List<IpBlock> except = new ArrayList<>();
        for (YamlNode.Mapping ref : f.mappings(spec, "requiredAuthenticationRefs")) {
            f.keys(ref, "group", "kind", "name", "namespace");
            String kind = f.enumValue(ref, "kind", "MeshTLSAuthentication", "NetworkAuthentication", "ServiceAccount");
            String name = f.requiredString(ref, "name", "an authentication ref");
            String ns = f.string(ref, "namespace");
            if (kind == null || name == null) {
                continue;
            }
            if (kind.equals("ServiceAccount")) {
                authenticated = true;
                ids.add(name + "." + (ns == null ? r.namespace() : ns) + ".serviceaccount.identity.linkerd." + trustDomain);
                continue;
            }
            Authn a = authns.get(kind + "/" + (ns == null ? r.namespace() : ns) + "/" + name);
            if (a == null) {
                f.error(SecurityCodes.UNKNOWN_REFERENCE, ref.entries().get("name"), "no " + kind + " `" + name + "` in namespace "
                        + (ns == null ? r.namespace() : ns));
                continue;
            }
            authenticated |= a.authenticated();
            ids.addAll(a.identities());
            nets.addAll(a.networks());
            except.addAll(a.except());
        }
        return new LinkerdAuthorization("AuthorizationPolicy " + r.namespace() + "/" + r.name(), r.namespace(), names, wholeNs,
                authenticated, ids, nets, except);
    }

    private static List<String> serverNames(Map<String, MeshResource> servers, String ns) {
        return servers.values().stream().filter(s -> s.namespace().equals(ns)).map(MeshResource::name).toList();
    }

    static LinkerdPolicy policy(DefaultPolicy d, List<LinkerdServer> servers, List<LinkerdAuthorization> authz) {
        return new LinkerdPolicy(d, servers, authz);
    }
}
