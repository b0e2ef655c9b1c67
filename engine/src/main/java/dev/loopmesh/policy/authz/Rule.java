package dev.loopmesh.policy.authz;

import java.util.List;
import java.util.Locale;

/**
 * One AuthorizationPolicy rule: it matches when at least one {@code from} source, one {@code to} operation
 * and every {@code when} condition match; an empty field matches everything, so {@code {}} always matches.
 * Within a source or operation every field set must match (values of a field are ORed; a {@code not}
 * field matches when none of its values does).
 */
public record Rule(List<Source> from, List<Operation> to, List<Condition> when) {
    public static final Rule ANY = new Rule(List.of(), List.of(), List.of());

    public Rule {
        from = List.copyOf(from);
        to = List.copyOf(to);
        when = List.copyOf(when);
    }

    public boolean matches(AuthzRequest r) {
        return (from.isEmpty() || from.stream().anyMatch(s -> s.matches(r)))
                && (to.isEmpty() || to.stream().anyMatch(o -> o.matches(r)))
                && when.stream().allMatch(c -> c.matches(r));
    }

    /**
     * This rule on a TCP connection, as Istio builds it (task "Authorization for TCP traffic"): fields only
     * HTTP has ({@code requestPrincipals}, {@code hosts}, {@code methods}, {@code paths}, {@code request.*}
     * conditions) make an ALLOW rule invalid, so it is ignored (null), and are dropped from a DENY or AUDIT
     * rule, which then matches more.
     */
    public Rule forTcp(boolean allow) {
        boolean http = from.stream().anyMatch(s -> !s.requestPrincipals().isEmpty() || !s.notRequestPrincipals().isEmpty())
                || to.stream().anyMatch(o -> !o.hosts().isEmpty() || !o.notHosts().isEmpty() || !o.methods().isEmpty()
                        || !o.notMethods().isEmpty() || !o.paths().isEmpty() || !o.notPaths().isEmpty())
                || when.stream().anyMatch(c -> c.key().startsWith("request."));
        if (!http) {
            return this;
        }
        if (allow) {
            return null;
        }
        return new Rule(
                from.stream().map(s -> new Source(s.principals(), s.notPrincipals(), List.of(), List.of(), s.namespaces(),
                        s.notNamespaces(), s.ipBlocks(), s.notIpBlocks(), s.remoteIpBlocks(), s.notRemoteIpBlocks())).toList(),
                to.stream().map(o -> new Operation(List.of(), List.of(), o.ports(), o.notPorts(), List.of(), List.of(), List.of(),
                        List.of())).toList(),
                when.stream().filter(c -> !c.key().startsWith("request.")).toList());
    }

    /** Whether any field needs an mTLS peer identity (principals, namespaces) to match. */
    public boolean needsPeerIdentity() {
        return from.stream().anyMatch(s -> !s.principals().isEmpty() || !s.namespaces().isEmpty())
                || when.stream().anyMatch(c -> c.key().equals("source.principal") || c.key().equals("source.namespace"));
    }

    static String present(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    static boolean any(List<StringMatcher> ms, String value) {
        for (StringMatcher m : ms) {
            if (m.matches(value)) {
                return true;
            }
        }
        return false;
    }

    static boolean anyOf(List<StringMatcher> ms, List<String> values) {
        for (String v : values) {
            if (any(ms, v)) {
                return true;
            }
        }
        return false;
    }

    static boolean field(List<StringMatcher> in, List<StringMatcher> notIn, String value) {
        return (in.isEmpty() || any(in, value)) && (notIn.isEmpty() || !any(notIn, value));
    }

    static boolean ips(List<IpBlock> in, List<IpBlock> notIn, String ip) {
        return (in.isEmpty() || in.stream().anyMatch(b -> b.contains(ip))) && (notIn.isEmpty() || notIn.stream().noneMatch(b -> b.contains(ip)));
    }

    /** {@code from.source}. */
    public record Source(List<StringMatcher> principals, List<StringMatcher> notPrincipals,
                         List<StringMatcher> requestPrincipals, List<StringMatcher> notRequestPrincipals,
                         List<StringMatcher> namespaces, List<StringMatcher> notNamespaces,
                         List<IpBlock> ipBlocks, List<IpBlock> notIpBlocks,
                         List<IpBlock> remoteIpBlocks, List<IpBlock> notRemoteIpBlocks) {
        public Source {
            principals = List.copyOf(principals);
            notPrincipals = List.copyOf(notPrincipals);
            requestPrincipals = List.copyOf(requestPrincipals);
            notRequestPrincipals = List.copyOf(notRequestPrincipals);
            namespaces = List.copyOf(namespaces);
            notNamespaces = List.copyOf(notNamespaces);
            ipBlocks = List.copyOf(ipBlocks);
            notIpBlocks = List.copyOf(notIpBlocks);
            remoteIpBlocks = List.copyOf(remoteIpBlocks);
            notRemoteIpBlocks = List.copyOf(notRemoteIpBlocks);
        }

        boolean matches(AuthzRequest r) {
            String requestPrincipal = r.auth() == null ? null : present(r.auth().principal());
            return field(principals, notPrincipals, present(r.principal()))
                    && field(requestPrincipals, notRequestPrincipals, requestPrincipal)
                    && field(namespaces, notNamespaces, present(r.sourceNamespace()))
                    && ips(ipBlocks, notIpBlocks, r.sourceIp())
                    && ips(remoteIpBlocks, notRemoteIpBlocks, r.remoteIp());
        }
    }

    /** {@code to.operation}. Hosts match case-insensitively; methods and paths exactly as written. */
    public record Operation(List<StringMatcher> hosts, List<StringMatcher> notHosts, List<String> ports, List<String> notPorts,
                            List<StringMatcher> methods, List<StringMatcher> notMethods,
                            List<StringMatcher> paths, List<StringMatcher> notPaths) {
        public Operation {
            hosts = List.copyOf(hosts);
            notHosts = List.copyOf(notHosts);
            ports = List.copyOf(ports);
            notPorts = List.copyOf(notPorts);
            methods = List.copyOf(methods);
            notMethods = List.copyOf(notMethods);
            paths = List.copyOf(paths);
            notPaths = List.copyOf(notPaths);
        }

        boolean matches(AuthzRequest r) {
            String port = Integer.toString(r.port());
            return field(hosts, notHosts, present(r.host()))
                    && (ports.isEmpty() || ports.contains(port)) && (notPorts.isEmpty() || !notPorts.contains(port))
                    && field(methods, notMethods, present(r.method()))
                    && field(paths, notPaths, present(r.path()));
        }
    }

    /** A {@code when} condition: the attribute must match one of {@code values} and none of {@code notValues}. */
    public record Condition(String key, List<String> values, List<String> notValues) {
        public Condition {
            values = List.copyOf(values);
            notValues = List.copyOf(notValues);
        }

        boolean matches(AuthzRequest r) {
            List<String> actual = attribute(r);
            if (key.equals("source.ip") || key.equals("remote.ip") || key.equals("destination.ip")) {
                String ip = actual.isEmpty() ? null : actual.get(0);
                List<IpBlock> in = values.stream().map(IpBlock::parse).toList();
                List<IpBlock> out = notValues.stream().map(IpBlock::parse).toList();
                return ips(in, out, ip);
            }
            List<StringMatcher> in = values.stream().map(StringMatcher::of).toList();
            List<StringMatcher> out = notValues.stream().map(StringMatcher::of).toList();
            boolean yes = values.isEmpty() || anyOf(in, actual);
            boolean no = notValues.isEmpty() || !anyOf(out, actual);
            return yes && no;
        }

        private List<String> attribute(AuthzRequest r) {
            if (key.startsWith("request.headers[")) {
                String v = r.header(bracket(key, "request.headers"));
                return v == null ? List.of() : List.of(v);
            }
            if (key.startsWith("request.auth.claims[")) {
                return r.auth() == null ? List.of() : r.auth().claim(claimPath(key));
            }
            switch (key) {
                case "source.ip":
                    return one(r.sourceIp());
                case "remote.ip":
                    return one(r.remoteIp());
                case "source.namespace":
                    return one(r.sourceNamespace());
                case "source.principal":
                    return one(r.principal());
                case "request.auth.principal":
                    return r.auth() == null ? List.of() : one(r.auth().principal());
                case "request.auth.audiences":
                    return r.auth() == null ? List.of() : r.auth().audiences();
                case "request.auth.presenter":
                    return r.auth() == null ? List.of() : one(r.auth().presenter());
                case "destination.ip":
                    return one(r.destinationIp());
                case "destination.port":
                    return List.of(Integer.toString(r.port()));
                case "connection.sni":
                    return one(r.sni());
                default:
                    return List.of();
            }
        }

        private static List<String> one(String s) {
            return s == null || s.isEmpty() ? List.of() : List.of(s);
        }

        static String bracket(String key, String prefix) {
            return key.substring(prefix.length() + 1, key.length() - 1).toLowerCase(Locale.ROOT);
        }

        /** {@code request.auth.claims[a][b]} → [a, b]. */
        static List<String> claimPath(String key) {
            String rest = key.substring("request.auth.claims".length());
            List<String> out = new java.util.ArrayList<>();
            while (rest.startsWith("[")) {
                int end = rest.indexOf(']');
                if (end < 0) {
                    break;
                }
                out.add(rest.substring(1, end));
                rest = rest.substring(end + 1);
            }
            return out;
        }
    }
}
