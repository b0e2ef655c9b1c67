package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.istio.VirtualService.Delegate;
import dev.loopmesh.controlplane.istio.VirtualService.Destination;
import dev.loopmesh.controlplane.istio.VirtualService.DirectResponse;
import dev.loopmesh.controlplane.istio.VirtualService.HeaderMatch;
import dev.loopmesh.controlplane.istio.VirtualService.HttpMatch;
import dev.loopmesh.controlplane.istio.VirtualService.HttpRule;
import dev.loopmesh.controlplane.istio.VirtualService.TcpRule;
import dev.loopmesh.controlplane.istio.VirtualService.MirrorTarget;
import dev.loopmesh.controlplane.istio.VirtualService.Redirect;
import dev.loopmesh.controlplane.istio.VirtualService.Rewrite;
import dev.loopmesh.controlplane.istio.VirtualService.RouteDestination;
import dev.loopmesh.policy.resilience.FaultPolicy;
import dev.loopmesh.policy.resilience.RetryPolicy;
import dev.loopmesh.policy.routing.CorsPolicy;
import dev.loopmesh.policy.routing.HeaderOps;
import dev.loopmesh.policy.routing.StringMatch;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.SpecFields;
import dev.loopmesh.topology.Suggestions;
import dev.loopmesh.topology.YamlNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Binds a VirtualService spec, reporting every problem (Istio's validation rules) into the reader. */
final class VirtualServiceBinder {
    private final SpecFields r;

    VirtualServiceBinder(SpecFields reader) {
        this.r = reader;
    }

    VirtualService bind(MeshResource res) {
        YamlNode.Mapping spec = res.spec();
        r.keys(spec, "hosts", "gateways", "http", "tcp", "tls", "exportTo");
        List<String> hosts = r.strings(spec, "hosts");
        for (String h : hosts) {
            if (h.contains("/")) {
                r.error(IstioCodes.INVALID_VALUE, spec.entries().get("hosts"), "host `" + h + "` must not contain `/` (a VirtualService host is a DNS name, optionally with a leading wildcard)");
            } else if (h.indexOf('*') > 0 || h.lastIndexOf('*') > 0) {
                r.error(IstioCodes.INVALID_VALUE, spec.entries().get("hosts"), "host `" + h + "`: a wildcard is allowed only as the first label, like *.example.com");
            }
        }
        List<String> gateways = r.strings(spec, "gateways");
        List<HttpRule> rules = new ArrayList<>();
        for (YamlNode.Mapping rule : r.mappings(spec, "http")) {
            HttpRule bound = rule(rule);
            if (bound != null) {
                rules.add(bound);
            }
            if (hosts.isEmpty() && rule.entries().containsKey("delegate")) {
                // Istio's validation: "delegate HTTP route cannot contain delegate" (VirtualService.http.delegate:
                // "Only one level delegation is supported")
                r.error(IstioCodes.DELEGATE_DEPTH, rule.entries().get("delegate"), "a delegate VirtualService (one without hosts) "
                        + "cannot delegate again: Istio supports one level of delegation (expected: route, redirect or "
                        + "directResponse here, or hosts to make this a root VirtualService)");
            }
        }
        L4RuleBinder l4 = new L4RuleBinder(r, this::routeDestination, this::checkWeights);
        List<TcpRule> tcp = new ArrayList<>();
        for (YamlNode.Mapping rule : r.mappings(spec, "tcp")) {
            tcp.add(l4.tcp(rule));
        }
        List<TcpRule> tls = new ArrayList<>();
        for (YamlNode.Mapping rule : r.mappings(spec, "tls")) {
            tls.add(l4.tls(rule, hosts));
        }
        return new VirtualService(res.name(), res.namespace(), hosts, gateways, rules, r.strings(spec, "exportTo"), res.position(),
                tcp, tls);
    }

    private HttpRule rule(YamlNode.Mapping m) {
        r.keys(m, "name", "match", "route", "redirect", "directResponse", "delegate", "rewrite", "timeout", "retries",
                "fault", "mirror", "mirrorPercentage", "mirrorPercent", "mirrors", "corsPolicy", "headers");
        String name = r.string(m, "name");
        List<HttpMatch> matches = new ArrayList<>();
        for (YamlNode.Mapping mm : r.mappings(m, "match")) {
            HttpMatch hm = match(mm);
            if (hm != null) {
                matches.add(hm);
            }
        }
        List<RouteDestination> route = new ArrayList<>();
        for (YamlNode.Mapping d : r.mappings(m, "route")) {
            RouteDestination rd = routeDestination(d);
            if (rd != null) {
                route.add(rd);
            }
        }
        checkWeights(m, route);
        Redirect redirect = redirect(r.mapping(m, "redirect"));
        DirectResponse direct = directResponse(r.mapping(m, "directResponse"));
        Delegate delegate = delegate(r.mapping(m, "delegate"));
        Rewrite rewrite = rewrite(r.mapping(m, "rewrite"));
        int actions = (route.isEmpty() && !m.entries().containsKey("route") ? 0 : 1) + (redirect != null ? 1 : 0)
                + (direct != null ? 1 : 0) + (delegate != null ? 1 : 0);
        if (actions == 0) {
            r.error(IstioCodes.MISSING_FIELD, m, "an http rule needs one of route, redirect, directResponse or delegate");
        } else if (actions > 1) {
            r.error(IstioCodes.CONFLICT, m, "an http rule has only one of route, redirect, directResponse or delegate");
        }
        if (rewrite != null && redirect != null) {
            r.error(IstioCodes.CONFLICT, m.entries().get("rewrite"), "rewrite cannot be used with redirect");
        }
        Duration timeout = r.duration(m, "timeout");
        if (timeout != null && timeout.isNegative()) {
            r.error(IstioCodes.INVALID_VALUE, m.entries().get("timeout"), "timeout must not be negative");
        }
        RetryPolicy retries = retries(r.mapping(m, "retries"));
        FaultPolicy fault = fault(r.mapping(m, "fault"));
        Destination mirror = null;
        YamlNode.Mapping mirrorNode = r.mapping(m, "mirror");
        if (mirrorNode != null) {
            mirror = destination(mirrorNode);
        }
        Double mirrorPercentage = IstioFields.percentage(r, m, "mirrorPercentage");
        if (mirrorPercentage == null && m.entries().containsKey("mirrorPercent")) {
            Long p = r.integer(m, "mirrorPercent", 0, 100);
            mirrorPercentage = p == null ? null : p.doubleValue();
        }
        List<MirrorTarget> mirrors = new ArrayList<>();
        for (YamlNode.Mapping mt : r.mappings(m, "mirrors")) {
            r.keys(mt, "destination", "percentage");
            YamlNode.Mapping dn = r.mapping(mt, "destination");
            if (dn == null) {
                r.error(IstioCodes.MISSING_FIELD, mt, "missing `destination`");
                continue;
            }
            Destination d = destination(dn);
            Double pct = IstioFields.percentage(r, mt, "percentage");
            if (d != null) {
                mirrors.add(new MirrorTarget(d, pct == null ? 100 : pct));
            }
        }
        if (mirror != null && !mirrors.isEmpty()) {
            r.error(IstioCodes.CONFLICT, m.entries().get("mirrors"), "use either mirror or mirrors, not both");
        }
        CorsPolicy cors = cors(r.mapping(m, "corsPolicy"));
        HeaderOps[] ops = headers(r.mapping(m, "headers"));
        return new HttpRule(name, matches, route, redirect, rewrite, direct, delegate, timeout, retries, fault, mirror,
                mirrorPercentage, mirrors, cors, ops[0], ops[1], m.position());
    }

    private void checkWeights(YamlNode.Mapping rule, List<RouteDestination> route) {
        if (route.size() < 2) {
            return;
        }
        long total = 0;
        for (RouteDestination d : route) {
            total += d.weight() == null ? 0 : d.weight();
        }
        YamlNode at = rule.entries().get("route");
        if (total == 0) {
            r.error(IstioCodes.WEIGHTS, at, "the weights of " + route.size() + " destinations add up to 0 (expected: at least one destination with weight > 0)");
        } else if (total != 100) {
            // Istio's API now reads weights as relative shares; older releases rejected a sum other than 100.
            r.warning(IstioCodes.WEIGHTS, at, "the weights of " + route.size() + " destinations add up to " + total
                    + " (expected: 100; Istio reads them as relative shares, older releases reject this)");
        }
    }

    private HttpMatch match(YamlNode.Mapping m) {
        r.keys(m, "name", "uri", "scheme", "method", "authority", "headers", "withoutHeaders", "queryParams", "port",
                "sourceLabels", "sourceNamespace", "gateways", "ignoreUriCase", "statPrefix");
        Boolean ignore = r.bool(m, "ignoreUriCase");
        boolean ignoreUriCase = ignore != null && ignore;
        StringMatch uri = optionalMatch(m, "uri", ignoreUriCase);
        StringMatch scheme = optionalMatch(m, "scheme", false);
        StringMatch method = optionalMatch(m, "method", false);
        StringMatch authority = optionalMatch(m, "authority", false);
        Map<String, HeaderMatch> headers = headerMatches(m, "headers", true);
        Map<String, HeaderMatch> without = headerMatches(m, "withoutHeaders", true);
        Map<String, HeaderMatch> query = headerMatches(m, "queryParams", false);
        int port = r.integer(m, "port", 1, 65535, 0);
        return new HttpMatch(r.string(m, "name"), uri, scheme, method, authority, headers, without, query, port,
                r.stringMap(m, "sourceLabels"), r.string(m, "sourceNamespace"), r.strings(m, "gateways"), ignoreUriCase);
    }

    private StringMatch optionalMatch(YamlNode.Mapping m, String key, boolean ignoreCase) {
        YamlNode n = SpecFields.node(m, key);
        return n == null ? null : IstioFields.stringMatch(r, n, "`" + key + "`", ignoreCase);
    }

    /**
     * Header and query parameter conditions. An empty match ({@code {}}) and {@code regex: "*"} check
     * presence, as istiod translates them; names are case-insensitive for headers.
     */
    private Map<String, HeaderMatch> headerMatches(YamlNode.Mapping m, String key, boolean header) {
        Map<String, HeaderMatch> out = new LinkedHashMap<>();
        YamlNode.Mapping map = r.mapping(m, key);
        if (map == null) {
            return out;
        }
        for (Map.Entry<String, YamlNode> e : map.entries().entrySet()) {
            String name = header ? e.getKey().toLowerCase(Locale.ROOT) : e.getKey();
            YamlNode v = e.getValue();
            if (v instanceof YamlNode.Scalar && ((YamlNode.Scalar) v).isNull()
                    || v instanceof YamlNode.Mapping && ((YamlNode.Mapping) v).entries().isEmpty()) {
                out.put(name, HeaderMatch.PRESENT);
                continue;
            }
            if (v instanceof YamlNode.Mapping) {
                YamlNode.Mapping vm = (YamlNode.Mapping) v;
                if ("*".equals(vm.entries().get("regex") instanceof YamlNode.Scalar ? ((YamlNode.Scalar) vm.entries().get("regex")).value() : null)
                        && vm.entries().size() == 1) {
                    out.put(name, HeaderMatch.PRESENT);
                    continue;
                }
                if (!header && vm.entries().containsKey("prefix")) {
                    r.error(IstioCodes.UNSUPPORTED, vm.entries().get("prefix"), "query parameter `" + name + "`: prefix match is not supported (expected: exact or regex)");
                    continue;
                }
            }
            StringMatch sm = IstioFields.stringMatch(r, v, (header ? "header `" : "query parameter `") + name + "`", false);
            if (sm != null) {
                out.put(name, new HeaderMatch(sm));
            }
        }
        return out;
    }

    Destination destination(YamlNode.Mapping m) {
        r.keys(m, "host", "subset", "port");
        String host = r.required(m, "host");
        int port = 0;
        YamlNode.Mapping p = r.mapping(m, "port");
        if (p != null) {
            r.keys(p, "number");
            port = r.integer(p, "number", 1, 65535, 0);
        }
        return host == null ? null : new Destination(host, r.string(m, "subset"), port);
    }

    private RouteDestination routeDestination(YamlNode.Mapping m) {
        r.keys(m, "destination", "weight", "headers");
        YamlNode.Mapping dn = r.mapping(m, "destination");
        if (dn == null) {
            if (!m.entries().containsKey("destination")) {
                r.error(IstioCodes.MISSING_FIELD, m, "missing `destination`");
            }
            return null;
        }
        Destination d = destination(dn);
        Long w = r.integer(m, "weight", 0, Integer.MAX_VALUE);
        if (w == null && m.entries().containsKey("weight")) {
            String s = r.string(m, "weight");
            if (s != null && s.trim().startsWith("-")) {
                return null; // already reported: out of range
            }
        }
        HeaderOps[] ops = headers(r.mapping(m, "headers"));
        return d == null ? null : new RouteDestination(d, w == null ? null : w.intValue(), ops[0], ops[1]);
    }

    private Redirect redirect(YamlNode.Mapping m) {
        if (m == null) {
            return null;
        }
        r.keys(m, "uri", "authority", "port", "derivePort", "scheme", "redirectCode");
        int code = r.integer(m, "redirectCode", 300, 399, 0);
        int port = r.integer(m, "port", 1, 65535, 0);
        String derive = r.enumValue(m, "derivePort", "FROM_PROTOCOL_DEFAULT", "FROM_REQUEST_PORT");
        if (port != 0 && derive != null) {
            r.error(IstioCodes.CONFLICT, m, "redirect has port and derivePort (expected: one of them)");
        }
        return new Redirect(r.string(m, "uri"), r.string(m, "authority"), code, r.string(m, "scheme"), port, derive, false);
    }

    private Rewrite rewrite(YamlNode.Mapping m) {
        if (m == null) {
            return null;
        }
        r.keys(m, "uri", "authority", "uriRegexRewrite");
        String uri = r.string(m, "uri");
        YamlNode.Mapping rx = r.mapping(m, "uriRegexRewrite");
        String match = null;
        String rewrite = null;
        if (rx != null) {
            r.keys(rx, "match", "rewrite");
            match = r.required(rx, "match");
            rewrite = r.required(rx, "rewrite");
            if (match != null && IstioFields.compile(r, rx.entries().get("match"), match, false) == null) {
                match = null;
            }
            if (uri != null) {
                r.error(IstioCodes.CONFLICT, rx, "rewrite has uri and uriRegexRewrite (expected: one of them)");
            }
        }
        return new Rewrite(uri, r.string(m, "authority"), match, rewrite);
    }

    private DirectResponse directResponse(YamlNode.Mapping m) {
        if (m == null) {
            return null;
        }
        r.keys(m, "status", "body");
        Long status = r.integer(m, "status", 200, 599);
        if (status == null && !m.entries().containsKey("status")) {
            r.error(IstioCodes.MISSING_FIELD, m, "missing `status`");
        }
        String body = "";
        YamlNode.Mapping b = r.mapping(m, "body");
        if (b != null) {
            r.keys(b, "string", "bytes");
            String s = r.string(b, "string");
            String bytes = r.string(b, "bytes");
            if (s != null && bytes != null) {
                r.error(IstioCodes.CONFLICT, b, "body has string and bytes (expected: one of them)");
            }
            if (s != null) {
                body = s;
            } else if (bytes != null) {
                try {
                    body = new String(Base64.getDecoder().decode(bytes.trim()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    r.error(IstioCodes.INVALID_VALUE, b.entries().get("bytes"), "body.bytes is not base64: " + e.getMessage());
                }
            }
        }
        return new DirectResponse(status == null ? 200 : status.intValue(), body);
    }

    private Delegate delegate(YamlNode.Mapping m) {
        if (m == null) {
            return null;
        }
        r.keys(m, "name", "namespace");
        String name = r.required(m, "name");
        return name == null ? null : new Delegate(name, r.string(m, "namespace"));
    }

    private RetryPolicy retries(YamlNode.Mapping m) {
        if (m == null) {
            return null;
        }
        r.keys(m, "attempts", "perTryTimeout", "retryOn", "retryRemoteLocalities", "retryIgnorePreviousHosts", "backoff");
        int attempts = r.integer(m, "attempts", 0, Integer.MAX_VALUE, 0);
        Duration perTry = r.duration(m, "perTryTimeout");
        if (perTry != null && perTry.compareTo(Duration.ofMillis(1)) < 0) {
            r.error(IstioCodes.INVALID_VALUE, m.entries().get("perTryTimeout"), "perTryTimeout must be at least 1ms");
        }
        r.duration(m, "backoff");
        Boolean remote = r.bool(m, "retryRemoteLocalities");
        Boolean ignorePrevious = r.bool(m, "retryIgnorePreviousHosts");
        if (attempts == 0) {
            return RetryPolicy.NONE; // Istio: attempts 0 disables retries, whatever else is set
        }
        String on = r.string(m, "retryOn");
        Set<String> retryOn = new LinkedHashSet<>();
        if (on == null || on.isBlank()) {
            retryOn.addAll(RetryPolicy.ISTIO_DEFAULT.retryOn());
        } else {
            for (String part : on.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                if (p.chars().allMatch(Character::isDigit)) {
                    retryOn.add("retriable-status-codes"); // istiod moves numeric codes there
                } else if (!RETRY_ON.contains(p)) {
                    String near = Suggestions.nearestLoose(p, RETRY_ON);
                    r.error(IstioCodes.INVALID_VALUE, m.entries().get("retryOn"), "retryOn `" + p + "` is not a retry condition"
                            + (near != null ? " (did you mean `" + near + "`?)" : ""));
                }
                retryOn.add(p);
            }
        }
        return new RetryPolicy(attempts, perTry, retryOn, ignorePrevious == null || ignorePrevious, remote != null && remote);
    }

    private static final Set<String> RETRY_ON = Set.of("5xx", "gateway-error", "reset", "reset-before-request",
            "connect-failure", "envoy-ratelimited", "retriable-4xx", "refused-stream", "retriable-status-codes",
            "retriable-headers", "http3-post-connect-failure", "cancelled", "deadline-exceeded", "internal",
            "resource-exhausted", "unavailable");

    FaultPolicy fault(YamlNode.Mapping m) {
        if (m == null) {
            return null;
        }
        r.keys(m, "delay", "abort");
        Duration delay = null;
        double delayPct = 0;
        YamlNode.Mapping d = r.mapping(m, "delay");
        if (d != null) {
            r.keys(d, "fixedDelay", "exponentialDelay", "percentage", "percent");
            delay = r.duration(d, "fixedDelay");
            if (delay == null && !d.entries().containsKey("fixedDelay")) {
                r.error(IstioCodes.MISSING_FIELD, d, "delay needs `fixedDelay` (exponentialDelay is not supported by Istio)");
            }
            delayPct = faultPercent(d);
        }
        int status = 0;
        String grpc = null;
        double abortPct = 0;
        YamlNode.Mapping a = r.mapping(m, "abort");
        if (a != null) {
            r.keys(a, "httpStatus", "grpcStatus", "http2Error", "percentage");
            status = r.integer(a, "httpStatus", 200, 599, 0);
            grpc = r.string(a, "grpcStatus");
            if (status == 0 && grpc == null && !a.entries().containsKey("httpStatus")) {
                r.error(IstioCodes.MISSING_FIELD, a, "abort needs `httpStatus` or `grpcStatus`");
            } else if (status != 0 && grpc != null) {
                r.error(IstioCodes.CONFLICT, a, "abort has httpStatus and grpcStatus (expected: one of them)");
            }
            abortPct = faultPercent(a);
        }
        if (d == null && a == null) {
            r.error(IstioCodes.MISSING_FIELD, m, "fault needs `delay` or `abort`");
            return null;
        }
        return new FaultPolicy(delay, delayPct, status, grpc, abortPct);
    }

    /** Istio maps an absent percentage to 0 % (istio/api#2522): say so, since it looks like 100 %. */
    private double faultPercent(YamlNode.Mapping m) {
        Double p = IstioFields.percentage(r, m, "percentage");
        if (p != null) {
            return p;
        }
        if (m.entries().containsKey("percent")) {
            return r.integer(m, "percent", 0, 100, 0);
        }
        if (!m.entries().containsKey("percentage")) {
            r.warning(IstioCodes.FAULT_NEVER, m, "no `percentage`: Istio injects this fault into 0% of requests (write percentage: {value: 100} for all)");
        }
        return 0;
    }

    private CorsPolicy cors(YamlNode.Mapping m) {
        if (m == null) {
            return null;
        }
        r.keys(m, "allowOrigins", "allowOrigin", "allowMethods", "allowHeaders", "exposeHeaders", "maxAge",
                "allowCredentials", "unmatchedPreflights");
        List<StringMatch> origins = new ArrayList<>();
        for (YamlNode o : r.list(m, "allowOrigins")) {
            StringMatch sm = IstioFields.stringMatch(r, o, "an origin", false);
            if (sm != null) {
                origins.add(sm);
            }
        }
        for (String o : r.strings(m, "allowOrigin")) {
            origins.add(StringMatch.exact(o));
        }
        return new CorsPolicy(origins, r.strings(m, "allowMethods"), r.strings(m, "allowHeaders"),
                r.strings(m, "exposeHeaders"), r.duration(m, "maxAge"), r.bool(m, "allowCredentials"));
    }

    /** Istio's Headers: {request, response} each {set, add, remove}. Returns [request, response]. */
    private HeaderOps[] headers(YamlNode.Mapping m) {
        if (m == null) {
            return new HeaderOps[] {HeaderOps.NONE, HeaderOps.NONE};
        }
        r.keys(m, "request", "response");
        return new HeaderOps[] {ops(r.mapping(m, "request")), ops(r.mapping(m, "response"))};
    }

    private HeaderOps ops(YamlNode.Mapping m) {
        if (m == null) {
            return HeaderOps.NONE;
        }
        r.keys(m, "set", "add", "remove");
        return new HeaderOps(lower(r.stringMap(m, "set")), lower(r.stringMap(m, "add")),
                r.strings(m, "remove").stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
    }

    private static Map<String, String> lower(Map<String, String> in) {
        Map<String, String> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        return out;
    }
}
