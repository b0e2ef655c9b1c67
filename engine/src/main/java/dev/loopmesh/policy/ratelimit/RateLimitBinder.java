package dev.loopmesh.policy.ratelimit;

import dev.loopmesh.topology.SpecFields;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Suggestions;
import dev.loopmesh.topology.YamlNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds the two resources that configure a pod's local rate limit.
 *
 * <p><b>Loopmesh {@code LocalRateLimit}</b> ({@code loopmesh.dev/v1}) — Envoy's local rate limit on the
 * inbound side of the pods it selects, in its namespace:
 * <pre>
 * apiVersion: loopmesh.dev/v1
 * kind: LocalRateLimit
 * metadata: {name: ratings, namespace: default}
 * spec:
 *   selector: {matchLabels: {app: ratings}}   # required; {} selects every pod of the namespace;
 *                                             # matchExpressions (In, NotIn, Exists, DoesNotExist) too
 *   port: 9080                                # optional: only this pod port (a number or a port name)
 *   tokenBucket:                              # Envoy's token_bucket
 *     maxTokens: 4                            # required, >= 1: the bucket starts full
 *     tokensPerFill: 4                        # optional, default 1
 *     fillInterval: 1m                        # required, >= 50ms (Envoy's minimum)
 * </pre>
 *
 * <p><b>Linkerd {@code HTTPLocalRateLimitPolicy}</b> ({@code policy.linkerd.io/v1alpha1}): {@code targetRef}
 * names a {@code Server} in the same namespace, whose {@code podSelector} (and {@code port}) decide the
 * pods; {@code total.requestsPerSecond}, {@code identity.requestsPerSecond} and {@code overrides[]}
 * ({@code requestsPerSecond} for the ServiceAccounts in {@code clientRefs}) become buckets that hold
 * {@code rps} tokens and regain one every {@code 1/rps} s (Linkerd's GCRA with a one-second burst). As
 * Linkerd requires: a Server takes one policy, and no identity or override limit exceeds the total.
 */
public final class RateLimitBinder {
    private static final SpecFields.Codes FIELD_CODES = new SpecFields.Codes(RateLimitCodes.UNKNOWN_FIELD, RateLimitCodes.WRONG_TYPE,
            RateLimitCodes.MISSING_FIELD, RateLimitCodes.INVALID_VALUE, RateLimitCodes.BAD_DURATION);
    public static final String LOOPMESH_GROUP = "loopmesh.dev";
    public static final String LOCAL_RATE_LIMIT = "LocalRateLimit";
    public static final String LINKERD_GROUP = "policy.linkerd.io";
    public static final String LINKERD_POLICY = "HTTPLocalRateLimitPolicy";
    static final Duration ENVOY_MIN_FILL_INTERVAL = Duration.ofMillis(50);

    private RateLimitBinder() {
    }

    /** Whether {@link #bind} reads this resource as a rate limit. */
    public static boolean isRateLimit(MeshResource r) {
        return r.group().equals(LOOPMESH_GROUP) && r.kind().equals(LOCAL_RATE_LIMIT)
                || r.group().equals(LINKERD_GROUP) && r.kind().equals(LINKERD_POLICY);
    }

    /** Binds every rate-limit resource among {@code resources} (the others, Linkerd Servers aside, are ignored). */
    public static RateLimitBinding bind(List<MeshResource> resources) {
        Map<String, MeshResource> servers = new LinkedHashMap<>();
        for (MeshResource r : resources) {
            if (r.group().equals(LINKERD_GROUP) && r.kind().equals("Server")) {
                servers.putIfAbsent(r.namespace() + "/" + r.name(), r);
            }
        }
        List<RateLimitRule> rules = new ArrayList<>();
        SpecFields f = new SpecFields(FIELD_CODES);
        Map<String, String> claimed = new LinkedHashMap<>();
        for (MeshResource r : resources) {
            if (!isRateLimit(r)) {
                continue;
            }
            int before = f.problems.size();
            RateLimitRule rule = r.kind().equals(LOCAL_RATE_LIMIT) ? bindLocal(r, f) : bindLinkerd(r, f, servers, claimed);
            boolean failed = f.problems.subList(before, f.problems.size()).stream()
                    .anyMatch(p -> p.severity() == dev.loopmesh.topology.Severity.ERROR);
            if (rule != null && !failed) {
                rules.add(rule);
            }
        }
        List<dev.loopmesh.topology.Problem> problems = new ArrayList<>(f.problems);
        problems.sort(java.util.Comparator.comparing((dev.loopmesh.topology.Problem p) -> p.position().file())
                .thenComparingInt(p -> p.position().line()).thenComparingInt(p -> p.position().column()));
        return new RateLimitBinding(rules, problems);
    }

    // --- Loopmesh LocalRateLimit ---

    private static RateLimitRule bindLocal(MeshResource r, SpecFields f) {
        YamlNode.Mapping spec = r.spec();
        f.keys(spec, "selector", "port", "tokenBucket");
        LabelSelector selector = null;
        YamlNode.Mapping sel = f.requiredMapping(spec, "selector", "a LocalRateLimit spec (like {matchLabels: {app: ratings}})");
        if (sel != null) {
            selector = selector(sel, f);
        }
        String port = port(spec, f);
        TokenBucketSpec bucket = null;
        YamlNode.Mapping tb = f.requiredMapping(spec, "tokenBucket", "a LocalRateLimit spec");
        if (tb != null) {
            bucket = tokenBucket(tb, f);
        }
        if (selector == null || bucket == null) {
            return null;
        }
        return new RateLimitRule(r.key(), r.namespace(), selector, port,
                new RateLimitConfig(r.kind() + " " + r.namespace() + "/" + r.name(), bucket, null, List.of()), r.position());
    }

    private static TokenBucketSpec tokenBucket(YamlNode.Mapping tb, SpecFields f) {
        f.keys(tb, "maxTokens", "tokensPerFill", "fillInterval");
        Long max = f.integer(tb, "maxTokens", 1, Long.MAX_VALUE);
        if (max == null && SpecFields.node(tb, "maxTokens") == null) {
            f.missing(tb, "maxTokens", "tokenBucket");
        }
        Long perFill = f.integer(tb, "tokensPerFill", 1, Long.MAX_VALUE);
        boolean perFillBad = perFill == null && SpecFields.node(tb, "tokensPerFill") != null;
        Duration interval = f.duration(tb, "fillInterval");
        if (interval == null && SpecFields.node(tb, "fillInterval") == null) {
            f.missing(tb, "fillInterval", "tokenBucket");
        } else if (interval != null && interval.compareTo(ENVOY_MIN_FILL_INTERVAL) < 0) {
            f.error(RateLimitCodes.INVALID_VALUE, tb.entries().get("fillInterval"), "`fillInterval`: "
                    + dev.loopmesh.topology.Durations.format(interval) + " is too short (expected: >= 50ms, Envoy's minimum)");
            interval = null;
        }
        if (max == null || perFillBad || interval == null) {
            return null;
        }
        return new TokenBucketSpec(max, perFill == null ? 1 : perFill, interval);
    }

    // --- Linkerd HTTPLocalRateLimitPolicy ---

    private static RateLimitRule bindLinkerd(MeshResource r, SpecFields f, Map<String, MeshResource> servers,
                                             Map<String, String> claimed) {
        YamlNode.Mapping spec = r.spec();
        f.keys(spec, "targetRef", "total", "identity", "overrides");
        MeshResource server = null;
        YamlNode.Mapping ref = f.requiredMapping(spec, "targetRef", "an HTTPLocalRateLimitPolicy spec (a Server)");
        if (ref != null) {
            server = server(r, ref, f, servers, claimed);
        }
        Long total = rps(spec, "total", f);
        Long identity = rps(spec, "identity", f);
        if (total != null && identity != null && identity > total) {
            f.error(RateLimitCodes.CONFLICT, spec.entries().get("identity"), "identity.requestsPerSecond " + identity
                    + " is greater than total.requestsPerSecond " + total + " (Linkerd: it cannot be)");
        }
        List<RateLimitConfig.Override> overrides = new ArrayList<>();
        for (YamlNode item : f.list(spec, "overrides")) {
            if (!(item instanceof YamlNode.Mapping)) {
                f.error(RateLimitCodes.WRONG_TYPE, item, "an override is " + item.describe()
                        + " (expected: a map with requestsPerSecond and clientRefs)");
                continue;
            }
            RateLimitConfig.Override o = override((YamlNode.Mapping) item, r.namespace(), total, f);
            if (o != null) {
                overrides.add(o);
            }
        }
        if (server == null) {
            return null;
        }
        YamlNode.Mapping serverSpec = server.spec();
        YamlNode.Mapping podSelector = f.mapping(serverSpec, "podSelector");
        if (podSelector == null) {
            f.error(RateLimitCodes.UNSUPPORTED, ref, "Server " + server.namespace() + "/" + server.name()
                    + " selects no pods (Loopmesh reads its podSelector; an externalWorkloadSelector has no pods here)");
            return null;
        }
        LabelSelector selector = selector(podSelector, f);
        String port = port(serverSpec, f);
        if (selector == null) {
            return null;
        }
        RateLimitConfig config = new RateLimitConfig(r.kind() + " " + r.namespace() + "/" + r.name(),
                total == null || total == 0 ? null : TokenBucketSpec.perSecond(total),
                identity == null || identity == 0 ? null : TokenBucketSpec.perSecond(identity), overrides);
        return new RateLimitRule(r.key(), r.namespace(), selector, port, config, r.position());
    }

    private static MeshResource server(MeshResource r, YamlNode.Mapping ref, SpecFields f,
                                       Map<String, MeshResource> servers, Map<String, String> claimed) {
        f.keys(ref, "group", "kind", "name");
        String group = f.string(ref, "group");
        String kind = f.requiredString(ref, "kind", "targetRef");
        String name = f.requiredString(ref, "name", "targetRef");
        if (group != null && !group.isEmpty() && !group.equals(LINKERD_GROUP)) {
            f.error(RateLimitCodes.UNSUPPORTED, ref.entries().get("group"), "targetRef.group `" + group
                    + "` (expected: policy.linkerd.io)");
            return null;
        }
        if (kind != null && !kind.equals("Server")) {
            f.error(RateLimitCodes.UNSUPPORTED, ref.entries().get("kind"), "targetRef.kind `" + kind
                    + "` (expected: Server — Linkerd rate limits attach to a Server)");
            return null;
        }
        if (name == null || kind == null) {
            return null;
        }
        String key = r.namespace() + "/" + name;
        MeshResource server = servers.get(key);
        if (server == null) {
            List<String> names = new ArrayList<>();
            servers.values().stream().filter(s -> s.namespace().equals(r.namespace())).forEach(s -> names.add(s.name()));
            f.error(RateLimitCodes.UNKNOWN_SERVER, ref.entries().get("name"), "no Server `" + name + "` in namespace "
                    + r.namespace() + Suggestions.didYouMean(name, names));
            return null;
        }
        String first = claimed.putIfAbsent(key, r.name());
        if (first != null) {
            f.error(RateLimitCodes.CONFLICT, ref.entries().get("name"), "Server " + key + " already has the rate limit policy `"
                    + first + "` (Linkerd: a Server can be referred to by a single HTTPLocalRateLimitPolicy)");
            return null;
        }
        return server;
    }

    /** {@code total} or {@code identity}: {requestsPerSecond: n}; 0 means no limit, as in Linkerd's proxy. */
    private static Long rps(YamlNode.Mapping spec, String key, SpecFields f) {
        YamlNode.Mapping m = f.mapping(spec, key);
        if (m == null) {
            return null;
        }
        f.keys(m, "requestsPerSecond");
        Long v = f.integer(m, "requestsPerSecond", 0, Integer.MAX_VALUE);
        if (v == null && SpecFields.node(m, "requestsPerSecond") == null) {
            f.missing(m, "requestsPerSecond", key);
        }
        if (v != null && v == 0) {
            f.warning(RateLimitCodes.INVALID_VALUE, m.entries().get("requestsPerSecond"), key
                    + ".requestsPerSecond is 0: no limit is applied");
        }
        return v;
    }

    private static RateLimitConfig.Override override(YamlNode.Mapping o, String namespace, Long total, SpecFields f) {
        f.keys(o, "requestsPerSecond", "clientRefs");
        Long v = f.integer(o, "requestsPerSecond", 1, Integer.MAX_VALUE);
        if (v == null && SpecFields.node(o, "requestsPerSecond") == null) {
            f.missing(o, "requestsPerSecond", "an override");
        }
        if (v != null && total != null && total > 0 && v > total) {
            f.error(RateLimitCodes.CONFLICT, o.entries().get("requestsPerSecond"), "override requestsPerSecond " + v
                    + " is greater than total.requestsPerSecond " + total + " (Linkerd: it cannot be)");
            v = null;
        }
        Set<String> clients = new LinkedHashSet<>();
        List<YamlNode> refs = f.list(o, "clientRefs");
        if (refs.isEmpty() && SpecFields.node(o, "clientRefs") == null) {
            f.missing(o, "clientRefs", "an override");
        }
        for (YamlNode item : refs) {
            if (!(item instanceof YamlNode.Mapping)) {
                f.error(RateLimitCodes.WRONG_TYPE, item, "a clientRef is " + item.describe()
                        + " (expected: a map like {kind: ServiceAccount, name: web})");
                continue;
            }
            YamlNode.Mapping c = (YamlNode.Mapping) item;
            f.keys(c, "group", "kind", "name", "namespace");
            String kind = f.requiredString(c, "kind", "a clientRef");
            String name = f.requiredString(c, "name", "a clientRef");
            String ns = f.string(c, "namespace");
            if (kind != null && !kind.equals("ServiceAccount")) {
                f.error(RateLimitCodes.UNSUPPORTED, c.entries().get("kind"), "clientRefs.kind `" + kind
                        + "` (expected: ServiceAccount, the only kind Linkerd supports)");
                continue;
            }
            if (name != null && kind != null) {
                clients.add((ns == null || ns.isEmpty() ? namespace : ns) + "/" + name);
            }
        }
        return v == null || clients.isEmpty() ? null : new RateLimitConfig.Override(clients, TokenBucketSpec.perSecond(v));
    }

    // --- shared ---

    static LabelSelector selector(YamlNode.Mapping m, SpecFields f) {
        f.keys(m, "matchLabels", "matchExpressions");
        int before = f.problems.size();
        Map<String, String> labels = f.stringMap(m, "matchLabels");
        List<LabelSelector.Expression> expressions = new ArrayList<>();
        for (YamlNode item : f.list(m, "matchExpressions")) {
            if (!(item instanceof YamlNode.Mapping)) {
                f.error(RateLimitCodes.WRONG_TYPE, item, "a match expression is " + item.describe()
                        + " (expected: a map with key, operator and values)");
                continue;
            }
            YamlNode.Mapping x = (YamlNode.Mapping) item;
            f.keys(x, "key", "operator", "values");
            String key = f.requiredString(x, "key", "a match expression");
            String op = f.requiredString(x, "operator", "a match expression");
            List<String> values = f.strings(x, "values");
            if (op != null && !LabelSelector.Expression.OPERATORS.contains(op)) {
                f.error(RateLimitCodes.INVALID_VALUE, x.entries().get("operator"), "operator `" + op + "` (expected one of: "
                        + String.join(", ", LabelSelector.Expression.OPERATORS) + ")"
                        + Suggestions.didYouMean(op, LabelSelector.Expression.OPERATORS));
                continue;
            }
            if (key != null && op != null) {
                if ((op.equals("In") || op.equals("NotIn")) && values.isEmpty()) {
                    f.error(RateLimitCodes.INVALID_VALUE, x, "operator " + op + " needs values");
                    continue;
                }
                expressions.add(new LabelSelector.Expression(key, op, values));
            }
        }
        boolean failed = f.problems.subList(before, f.problems.size()).stream()
                .anyMatch(p -> p.severity() == dev.loopmesh.topology.Severity.ERROR);
        return failed ? null : new LabelSelector(labels, expressions);
    }

    private static String port(YamlNode.Mapping m, SpecFields f) {
        YamlNode n = SpecFields.node(m, "port");
        if (n == null) {
            return "";
        }
        if (!(n instanceof YamlNode.Scalar)) {
            f.error(RateLimitCodes.WRONG_TYPE, n, "`port` is " + n.describe() + " (expected: a port number or name)");
            return "";
        }
        String v = ((YamlNode.Scalar) n).value().trim();
        if (v.chars().allMatch(Character::isDigit)) {
            Long p = f.integer(m, "port", 1, 65535);
            return p == null ? "" : String.valueOf(p);
        }
        return v;
    }
}
