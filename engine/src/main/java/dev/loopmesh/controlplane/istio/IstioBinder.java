package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.istio.DestinationRule.Subset;
import dev.loopmesh.controlplane.istio.DestinationRule.TrafficPolicy;
import dev.loopmesh.policy.resilience.ConnectionPoolSettings;
import dev.loopmesh.policy.resilience.FaultPolicy;
import dev.loopmesh.policy.resilience.OutlierSettings;
import dev.loopmesh.policy.resilience.RetryBudget;
import dev.loopmesh.policy.routing.LbPolicy;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.SpecFields;
import dev.loopmesh.topology.Suggestions;
import dev.loopmesh.topology.YamlNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds {@code networking.istio.io} resources to typed, immutable records. Every problem is collected;
 * a resource with an error binds to null and is never half-applied.
 */
public final class IstioBinder {
    public static final String GROUP = "networking.istio.io";
    static final Set<String> VERSIONS = Set.of("v1", "v1beta1", "v1alpha3");
    static final Set<String> KINDS = Set.of("VirtualService", "DestinationRule", "Gateway", "ServiceEntry", "Sidecar");

    /** The outcome of binding one resource: the record (null when it has errors) and every problem. */
    public record Bound(MeshResource resource, Object value, List<Problem> problems) {
        public Bound {
            problems = List.copyOf(problems);
        }
    }

    private IstioBinder() {
    }

    public static boolean handles(MeshResource r) {
        return GROUP.equals(r.group());
    }

    public static Bound bind(MeshResource res) {
        SpecFields r = IstioFields.reader();
        String version = res.apiVersion().substring(res.apiVersion().indexOf('/') + 1);
        if (!VERSIONS.contains(version)) {
            r.error(IstioCodes.UNSUPPORTED, res.position(), "apiVersion", "apiVersion `" + res.apiVersion()
                    + "` is not supported (expected: " + GROUP + "/v1, v1beta1 or v1alpha3)");
            return new Bound(res, null, r.problems);
        }
        Object value;
        switch (res.kind()) {
            case "VirtualService":
                value = new VirtualServiceBinder(r).bind(res);
                break;
            case "DestinationRule":
                value = destinationRule(r, res);
                break;
            case "Gateway":
                value = gateway(r, res);
                break;
            case "ServiceEntry":
                value = serviceEntry(r, res);
                break;
            case "Sidecar":
                value = sidecar(r, res);
                break;
            default: {
                String near = Suggestions.nearestLoose(res.kind(), KINDS);
                r.problems.add(Problem.warning(IstioCodes.UNSUPPORTED, res.position(), "kind", "kind `" + res.kind()
                        + "` of " + GROUP + " is not supported and is ignored"
                        + (near != null ? " (did you mean `" + near + "`?)" : "")));
                value = null;
            }
        }
        return new Bound(res, r.hasErrors() ? null : value, r.problems);
    }

    /**
     * An Istio {@code HTTPFaultInjection} ({@code delay}, {@code abort}) read on its own, for the faults Loopmesh layers
     * over routes that have no fault field of their own (Gateway API); problems go to {@code problems}.
     */
    public static FaultPolicy fault(YamlNode.Mapping node, List<Problem> problems) {
        SpecFields r = IstioFields.reader();
        FaultPolicy f = new VirtualServiceBinder(r).fault(node);
        problems.addAll(r.problems);
        return r.hasErrors() ? null : f;
    }

    private static DestinationRule destinationRule(SpecFields r, MeshResource res) {
        YamlNode.Mapping spec = res.spec();
        r.keys(spec, "host", "trafficPolicy", "subsets", "exportTo", "workloadSelector");
        String host = r.required(spec, "host");
        TrafficPolicy top = trafficPolicy(r, r.mapping(spec, "trafficPolicy"), true);
        List<Subset> subsets = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlNode.Mapping s : r.mappings(spec, "subsets")) {
            r.keys(s, "name", "labels", "trafficPolicy");
            String name = r.required(s, "name");
            if (name != null && !names.add(name)) {
                r.error(IstioCodes.CONFLICT, s, "subset `" + name + "` is defined twice");
            }
            TrafficPolicy tp = trafficPolicy(r, r.mapping(s, "trafficPolicy"), true);
            if (name != null) {
                subsets.add(new Subset(name, r.stringMap(s, "labels"), tp));
            }
        }
        return new DestinationRule(res.name(), res.namespace(), host == null ? "" : host, top, subsets,
                r.strings(spec, "exportTo"), res.position());
    }

    private static TrafficPolicy trafficPolicy(SpecFields r, YamlNode.Mapping m, boolean allowPorts) {
        if (m == null) {
            return null;
        }
        if (allowPorts) {
            r.keys(m, "loadBalancer", "connectionPool", "outlierDetection", "tls", "portLevelSettings", "tunnel", "proxyProtocol",
                    "retryBudget");
        } else {
            r.keys(m, "port", "loadBalancer", "connectionPool", "outlierDetection", "tls");
        }
        LbPolicy lb = loadBalancer(r, r.mapping(m, "loadBalancer"));
        ConnectionPoolSettings cp = connectionPool(r, r.mapping(m, "connectionPool"));
        OutlierSettings od = outlier(r, r.mapping(m, "outlierDetection"));
        String tls = null;
        YamlNode.Mapping t = r.mapping(m, "tls");
        if (t != null) {
            r.keys(t, "mode", "clientCertificate", "privateKey", "caCertificates", "credentialName", "subjectAltNames",
                    "sni", "insecureSkipVerify", "caCrl");
            tls = r.enumValue(t, "mode", "DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL");
        }
        Map<Integer, TrafficPolicy> ports = new LinkedHashMap<>();
        if (allowPorts) {
            for (YamlNode.Mapping p : r.mappings(m, "portLevelSettings")) {
                int number = 0;
                YamlNode.Mapping pn = r.mapping(p, "port");
                if (pn != null) {
                    r.keys(pn, "number");
                    number = r.integer(pn, "number", 1, 65535, 0);
                } else {
                    r.error(IstioCodes.MISSING_FIELD, p, "missing `port`");
                }
                TrafficPolicy tp = trafficPolicy(r, p, false);
                if (number > 0 && tp != null) {
                    ports.put(number, tp);
                }
            }
        }
        RetryBudget budget = allowPorts ? retryBudget(r, r.mapping(m, "retryBudget")) : null;
        return new TrafficPolicy(lb, cp, od, tls, ports, budget);
    }

    /**
     * {@code trafficPolicy.retryBudget}: {@code percent} (a plain number, 0..100, default 20) and
     * {@code minRetryConcurrency} (default 3; Istio reads 0 as unset, pilot's applyRetryBudget).
     */
    private static RetryBudget retryBudget(SpecFields r, YamlNode.Mapping m) {
        if (m == null) {
            return null;
        }
        r.keys(m, "percent", "minRetryConcurrency", "budgetInterval");
        Double percent = r.number(m, "percent");
        if (percent != null && (percent < 0 || percent > 100)) {
            r.error(IstioCodes.PERCENT_RANGE, m.entries().get("percent"), "percent " + percent + " is out of range (expected: 0..100)");
            percent = null;
        }
        int min = r.integer(m, "minRetryConcurrency", 0, 4294967295L, 0);
        Duration interval = r.duration(m, "budgetInterval");
        if (interval != null && !interval.isZero()) {
            r.warning(IstioCodes.UNSUPPORTED, m.entries().get("budgetInterval"), "budgetInterval " + interval.toMillis()
                    + "ms is not applied: Loopmesh budgets retries against the requests active and pending now"
                    + " (Envoy's behaviour for budget_interval 0)");
        }
        return new RetryBudget(percent != null ? percent : RetryBudget.DEFAULT_PERCENT,
                min > 0 ? min : RetryBudget.DEFAULT_MIN_RETRY_CONCURRENCY, interval);
    }

    private static LbPolicy loadBalancer(SpecFields r, YamlNode.Mapping m) {
        if (m == null) {
            return null;
        }
        r.keys(m, "simple", "consistentHash", "localityLbSetting", "warmupDurationSecs", "warmup");
        String simple = r.enumValue(m, "simple", "UNSPECIFIED", "LEAST_CONN", "RANDOM", "PASSTHROUGH", "ROUND_ROBIN", "LEAST_REQUEST");
        YamlNode.Mapping ch = r.mapping(m, "consistentHash");
        if (simple != null && ch != null) {
            r.error(IstioCodes.CONFLICT, m, "loadBalancer has simple and consistentHash (expected: one of them)");
        }
        if (ch != null) {
            r.keys(ch, "httpHeaderName", "httpCookie", "useSourceIp", "httpQueryParameterName", "ringHash", "maglev", "minimumRingSize");
            List<LbPolicy> found = new ArrayList<>();
            String header = r.string(ch, "httpHeaderName");
            if (header != null) {
                found.add(new LbPolicy(LbPolicy.Kind.CONSISTENT_HASH, LbPolicy.HashOn.HEADER, header.toLowerCase(java.util.Locale.ROOT)));
            }
            YamlNode.Mapping cookie = r.mapping(ch, "httpCookie");
            if (cookie != null) {
                r.keys(cookie, "name", "path", "ttl", "attributes");
                String name = r.required(cookie, "name");
                r.duration(cookie, "ttl");
                found.add(new LbPolicy(LbPolicy.Kind.CONSISTENT_HASH, LbPolicy.HashOn.COOKIE, name));
            }
            Boolean sourceIp = r.bool(ch, "useSourceIp");
            if (sourceIp != null && sourceIp) {
                found.add(new LbPolicy(LbPolicy.Kind.CONSISTENT_HASH, LbPolicy.HashOn.SOURCE_IP, null));
            }
            String query = r.string(ch, "httpQueryParameterName");
            if (query != null) {
                found.add(new LbPolicy(LbPolicy.Kind.CONSISTENT_HASH, LbPolicy.HashOn.QUERY_PARAMETER, query));
            }
            if (found.size() != 1) {
                r.error(found.isEmpty() ? IstioCodes.MISSING_FIELD : IstioCodes.CONFLICT, ch,
                        "consistentHash needs exactly one of httpHeaderName, httpCookie, useSourceIp, httpQueryParameterName");
                return null;
            }
            return found.get(0);
        }
        if (simple == null) {
            return null;
        }
        switch (simple) {
            case "ROUND_ROBIN":
                return new LbPolicy(LbPolicy.Kind.ROUND_ROBIN, null, null);
            case "RANDOM":
                return new LbPolicy(LbPolicy.Kind.RANDOM, null, null);
            case "PASSTHROUGH":
                return new LbPolicy(LbPolicy.Kind.PASSTHROUGH, null, null);
            default:
                return LbPolicy.DEFAULT; // UNSPECIFIED, LEAST_CONN (deprecated alias), LEAST_REQUEST
        }
    }

    private static ConnectionPoolSettings connectionPool(SpecFields r, YamlNode.Mapping m) {
        if (m == null) {
            return null;
        }
        ConnectionPoolSettings d = ConnectionPoolSettings.DEFAULT;
        r.keys(m, "tcp", "http");
        int maxConnections = d.maxConnections();
        Duration connectTimeout = d.connectTimeout();
        YamlNode.Mapping tcp = r.mapping(m, "tcp");
        if (tcp != null) {
            r.keys(tcp, "maxConnections", "connectTimeout", "tcpKeepalive", "maxConnectionDuration", "idleTimeout");
            maxConnections = orDefault(r.integer(tcp, "maxConnections", 0, Integer.MAX_VALUE, 0), maxConnections);
            Duration ct = r.duration(tcp, "connectTimeout");
            connectTimeout = ct != null ? ct : connectTimeout;
            r.duration(tcp, "maxConnectionDuration");
            r.duration(tcp, "idleTimeout");
        }
        int pending = d.http1MaxPendingRequests();
        int requests = d.http2MaxRequests();
        int perConnection = d.maxRequestsPerConnection();
        int retries = d.maxRetries();
        Duration idle = d.idleTimeout();
        YamlNode.Mapping http = r.mapping(m, "http");
        if (http != null) {
            r.keys(http, "http1MaxPendingRequests", "http2MaxRequests", "maxRequestsPerConnection", "maxRetries",
                    "idleTimeout", "h2UpgradePolicy", "useClientProtocol", "maxConcurrentStreams");
            pending = orDefault(r.integer(http, "http1MaxPendingRequests", 0, Integer.MAX_VALUE, 0), pending);
            requests = orDefault(r.integer(http, "http2MaxRequests", 0, Integer.MAX_VALUE, 0), requests);
            perConnection = r.integer(http, "maxRequestsPerConnection", 0, Integer.MAX_VALUE, perConnection);
            retries = orDefault(r.integer(http, "maxRetries", 0, Integer.MAX_VALUE, 0), retries);
            Duration it = r.duration(http, "idleTimeout");
            idle = it != null ? it : idle;
            r.enumValue(http, "h2UpgradePolicy", "DEFAULT", "DO_NOT_UPGRADE", "UPGRADE");
        }
        return new ConnectionPoolSettings(maxConnections, connectTimeout, pending, requests, perConnection, retries, idle);
    }

    /**
     * Istio writes a circuit-breaker threshold only when the field is above 0, so 0 (written or not)
     * keeps the default (pilot's applyConnectionPool: "if settings.Http.MaxRetries > 0").
     */
    private static int orDefault(int written, int dflt) {
        return written > 0 ? written : dflt;
    }

    private static OutlierSettings outlier(SpecFields r, YamlNode.Mapping m) {
        if (m == null) {
            return null;
        }
        OutlierSettings d = OutlierSettings.ISTIO_DEFAULT;
        r.keys(m, "consecutive5xxErrors", "consecutiveErrors", "consecutiveGatewayErrors", "consecutiveLocalOriginFailures",
                "splitExternalLocalOriginErrors", "interval", "baseEjectionTime", "maxEjectionPercent", "minHealthPercent");
        int c5xx = r.integer(m, "consecutiveErrors", 0, Integer.MAX_VALUE, d.consecutive5xxErrors());
        c5xx = r.integer(m, "consecutive5xxErrors", 0, Integer.MAX_VALUE, c5xx);
        Boolean split = r.bool(m, "splitExternalLocalOriginErrors");
        Duration interval = r.duration(m, "interval");
        Duration base = r.duration(m, "baseEjectionTime");
        return new OutlierSettings(c5xx,
                r.integer(m, "consecutiveGatewayErrors", 0, Integer.MAX_VALUE, d.consecutiveGatewayErrors()),
                r.integer(m, "consecutiveLocalOriginFailures", 0, Integer.MAX_VALUE, d.consecutiveLocalOriginFailures()),
                split != null ? split : d.splitExternalLocalOriginErrors(),
                interval != null ? interval : d.interval(), base != null ? base : d.baseEjectionTime(),
                r.integer(m, "maxEjectionPercent", 0, 100, d.maxEjectionPercent()),
                r.integer(m, "minHealthPercent", 0, 100, d.minHealthPercent()));
    }

    private static Gateway gateway(SpecFields r, MeshResource res) {
        YamlNode.Mapping spec = res.spec();
        r.keys(spec, "selector", "servers");
        List<Gateway.Server> servers = new ArrayList<>();
        for (YamlNode.Mapping s : r.mappings(spec, "servers")) {
            r.keys(s, "port", "hosts", "tls", "name", "bind", "defaultEndpoint");
            YamlNode.Mapping p = r.mapping(s, "port");
            int number = 0;
            String name = null;
            String protocol = null;
            if (p == null) {
                r.error(IstioCodes.MISSING_FIELD, s, "missing `port`");
            } else {
                r.keys(p, "number", "name", "protocol", "targetPort");
                number = r.integer(p, "number", 1, 65535, 0);
                name = r.string(p, "name");
                protocol = r.enumValue(p, "protocol", "HTTP", "HTTPS", "GRPC", "HTTP2", "MONGO", "TCP", "TLS");
            }
            List<String> hosts = r.strings(s, "hosts");
            if (hosts.isEmpty()) {
                r.error(IstioCodes.MISSING_FIELD, s, "a server needs at least one host");
            }
            servers.add(new Gateway.Server(number, name, protocol, hosts));
        }
        return new Gateway(res.name(), res.namespace(), r.stringMap(spec, "selector"), servers, res.position());
    }

    private static ServiceEntry serviceEntry(SpecFields r, MeshResource res) {
        YamlNode.Mapping spec = res.spec();
        r.keys(spec, "hosts", "addresses", "ports", "location", "resolution", "endpoints", "workloadSelector", "exportTo", "subjectAltNames");
        List<String> hosts = r.strings(spec, "hosts");
        if (hosts.isEmpty()) {
            r.error(IstioCodes.MISSING_FIELD, spec, "a ServiceEntry needs at least one host");
        }
        List<ServiceEntry.Port> ports = new ArrayList<>();
        for (YamlNode.Mapping p : r.mappings(spec, "ports")) {
            r.keys(p, "number", "name", "protocol", "targetPort");
            int number = r.integer(p, "number", 1, 65535, 0);
            if (number == 0 && !p.entries().containsKey("number")) {
                r.error(IstioCodes.MISSING_FIELD, p, "missing `number`");
            }
            ports.add(new ServiceEntry.Port(number, r.string(p, "name"),
                    r.enumValue(p, "protocol", "HTTP", "HTTPS", "GRPC", "HTTP2", "MONGO", "TCP", "TLS"),
                    r.integer(p, "targetPort", 1, 65535, 0)));
        }
        String location = r.enumValue(spec, "location", "MESH_EXTERNAL", "MESH_INTERNAL");
        String resolution = r.enumValue(spec, "resolution", "NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN");
        List<ServiceEntry.WorkloadEntry> endpoints = new ArrayList<>();
        for (YamlNode.Mapping e : r.mappings(spec, "endpoints")) {
            r.keys(e, "address", "ports", "labels", "network", "locality", "weight", "serviceAccount");
            String address = r.required(e, "address");
            Map<String, Integer> eports = new LinkedHashMap<>();
            YamlNode.Mapping pm = r.mapping(e, "ports");
            if (pm != null) {
                for (String k : pm.entries().keySet()) {
                    int v = r.integer(pm, k, 1, 65535, 0);
                    if (v > 0) {
                        eports.put(k, v);
                    }
                }
            }
            if (address != null) {
                endpoints.add(new ServiceEntry.WorkloadEntry(address, eports, r.stringMap(e, "labels")));
            }
        }
        if ("STATIC".equals(resolution) && endpoints.isEmpty() && !spec.entries().containsKey("workloadSelector")) {
            r.error(IstioCodes.MISSING_FIELD, spec, "resolution STATIC needs endpoints");
        }
        return new ServiceEntry(res.name(), res.namespace(), hosts, r.strings(spec, "addresses"), ports, location,
                resolution, endpoints, r.strings(spec, "exportTo"), res.position());
    }

    private static Sidecar sidecar(SpecFields r, MeshResource res) {
        YamlNode.Mapping spec = res.spec();
        r.keys(spec, "workloadSelector", "ingress", "egress", "outboundTrafficPolicy", "inboundConnectionPool");
        Map<String, String> selector = Map.of();
        YamlNode.Mapping ws = r.mapping(spec, "workloadSelector");
        if (ws != null) {
            r.keys(ws, "labels");
            selector = r.stringMap(ws, "labels");
        }
        List<String> egress = new ArrayList<>();
        for (YamlNode.Mapping e : r.mappings(spec, "egress")) {
            r.keys(e, "port", "bind", "captureMode", "hosts");
            for (String h : r.strings(e, "hosts")) {
                if (!h.contains("/")) {
                    r.error(IstioCodes.INVALID_VALUE, e.entries().get("hosts"), "egress host `" + h + "` must be namespace/dnsName (like ./* or istio-system/*)");
                }
                egress.add(h);
            }
        }
        String mode = null;
        YamlNode.Mapping otp = r.mapping(spec, "outboundTrafficPolicy");
        if (otp != null) {
            r.keys(otp, "mode", "egressProxy");
            mode = r.enumValue(otp, "mode", "REGISTRY_ONLY", "ALLOW_ANY");
        }
        return new Sidecar(res.name(), res.namespace(), selector, egress, mode, res.position());
    }
}
