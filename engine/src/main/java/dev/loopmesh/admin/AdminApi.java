package dev.loopmesh.admin;

import dev.loopmesh.Mesh;
import dev.loopmesh.controlplane.ApplyResult;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.dataplane.Proxy;
import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.telemetry.AccessLog;
import dev.loopmesh.telemetry.AccessLogFormat;
import dev.loopmesh.telemetry.EdgeSnapshot;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.ServiceSpec;
import dev.loopmesh.topology.TopologyException;
import dev.loopmesh.topology.WorkloadSpec;
import dev.loopmesh.telemetry.metrics.IstioMetrics;
import dev.loopmesh.telemetry.tracing.OtlpJson;
import dev.loopmesh.telemetry.tracing.TraceJson;
import dev.loopmesh.telemetry.tracing.ZipkinJson;
import io.netty.handler.codec.http.QueryStringDecoder;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The admin API's routes over a running mesh. JSON shapes are what the CLI, the app and scripts read. */
public final class AdminApi implements AdminServer.Handler {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final Mesh mesh;
    private final Function<String, List<MeshResource>> parser;

    /** @param parser turns a YAML body into resources, throwing TopologyException with positions when it is bad */
    public AdminApi(Mesh mesh, Function<String, List<MeshResource>> parser) {
        this.mesh = mesh;
        this.parser = parser;
    }

    @Override
    public AdminServer.Reply handle(String method, QueryStringDecoder uri, String body, String contentType) {
        String path = uri.path();
        if (method.equals("GET") && path.startsWith("/api/traces/") && !path.equals("/api/traces/export")) {
            String id = path.substring("/api/traces/".length());
            return mesh.telemetry().tracer().store().trace(id)
                    .map(spans -> json(200, TraceJson.trace(id, spans)))
                    .orElseGet(() -> AdminServer.Reply.text(404, "no trace " + id + " (expected an id from GET /api/traces)\n"));
        }
        if (path.startsWith("/api/chaos")) {
            return chaos(method, path, body);
        }
        switch (method + " " + path) {
            case "GET /healthz":
            case "GET /ready":
                return AdminServer.Reply.text(200, "ok\n");
            case "GET /stats/prometheus":
                return new AdminServer.Reply(200, IstioMetrics.CONTENT_TYPE, mesh.telemetry().metrics().scrape());
            case "GET /api/traces":
                return json(200, TraceJson.summaries(mesh.telemetry().tracer().store().list(intParam(uri, "limit", 100))));
            case "GET /api/traces/export":
                return exportTraces(param(uri, "format"));
            case "GET /api/topology":
                return json(200, topology());
            case "GET /api/edges":
                return json(200, Map.of("edges", edges(intParam(uri, "window", 10))));
            case "GET /api/workloads":
                return json(200, Map.of("workloads", edges(mesh.telemetry().workloads().snapshot(intParam(uri, "window", 10)))));
            case "GET /api/events":
                return json(200, mesh.events().after(intParam(uri, "after", 0)));
            case "GET /api/config_dump":
                return configDump(param(uri, "proxy"));
            case "GET /api/accesslog":
                return accessLog(param(uri, "proxy"), intParam(uri, "limit", 100), longParam(uri, "after", -1), param(uri, "format"));
            case "GET /api/proxies":
                return "true".equals(param(uri, "listeners")) ? json(200, proxyListeners()) : json(200, proxies());
            case "GET /api/authz/matrix":
                return json(200, dev.loopmesh.security.AuthzMatrix.compute(mesh.registry(), mesh.controlPlane().resources()));
            case "POST /api/apply":
                return applyOrDelete(body, true);
            case "POST /api/delete":
                return applyOrDelete(body, false);
            default:
                return AdminServer.Reply.text(404, "no such endpoint: " + method + " " + path
                        + " (expected one of: GET /healthz, /stats/prometheus, /api/topology, /api/traces, /api/traces/{id}, /api/traces/export?format=zipkin|otlp, /api/edges, /api/workloads, /api/events, /api/config_dump?proxy=POD, "
                        + "/api/accesslog?proxy=POD[&limit=N][&after=SEQ][&format=text|json], /api/proxies[?listeners=true], /api/authz/matrix, /api/chaos; POST /api/apply, /api/delete, /api/chaos; DELETE /api/chaos/{id})\n");
        }
    }

    private AdminServer.Reply chaos(String method, String path, String body) {
        var engine = mesh.chaos();
        if (method.equals("GET") && path.equals("/api/chaos")) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (var s : engine.active()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", s.id());
                m.put("description", s.description());
                m.put("state", s.state().name());
                m.put("appliedAt", String.valueOf(s.appliedAt()));
                m.put("startedAt", String.valueOf(s.startedAt()));
                out.add(m);
            }
            return json(200, out);
        }
        if (method.equals("GET") && path.equals("/api/chaos/events")) {
            return json(200, engine.events(0));
        }
        if (method.equals("POST") && path.equals("/api/chaos")) {
            var parsed = dev.loopmesh.chaos.ChaosBinder.parse(body, dev.loopmesh.controlplane.MeshTranslator.names(mesh.registry()));
            if (parsed.hasErrors()) {
                return json(400, Map.of("problems", parsed.problems().stream().map(Object::toString).toList()));
            }
            List<Map<String, Object>> applied = new ArrayList<>();
            for (var spec : parsed.specs()) {
                try {
                    String id = engine.apply(spec);
                    applied.add(Map.of("id", id, "description", spec.toString()));
                } catch (IllegalArgumentException e) {
                    return json(409, Map.of("error", e.getMessage(), "applied", applied));
                }
            }
            return json(201, Map.of("applied", applied));
        }
        if (method.equals("DELETE") && path.startsWith("/api/chaos/")) {
            String id = path.substring("/api/chaos/".length());
            return engine.remove(id) ? AdminServer.Reply.text(200, "removed " + id + "\n")
                    : AdminServer.Reply.text(404, "no chaos " + id + " (expected an id from GET /api/chaos)\n");
        }
        return AdminServer.Reply.text(405, method + " " + path + " (expected: GET /api/chaos, GET /api/chaos/events, "
                + "POST /api/chaos with a Chaos spec, DELETE /api/chaos/{id})\n");
    }

    private AdminServer.Reply exportTraces(String format) {
        var spans = mesh.telemetry().tracer().store().allSpans();
        if (format == null || format.equals("zipkin")) {
            return AdminServer.Reply.json(200, ZipkinJson.write(spans));
        }
        if (format.equals("otlp")) {
            return AdminServer.Reply.json(200, OtlpJson.write(spans));
        }
        return AdminServer.Reply.text(400, "format " + format + " (expected: zipkin or otlp)\n");
    }

    private Map<String, Object> topology() {
        List<Object> services = new ArrayList<>();
        for (ServiceSpec s : mesh.topology().mesh().services()) {
            List<Object> workloads = new ArrayList<>();
            for (WorkloadSpec w : s.workloads()) {
                List<Object> pods = new ArrayList<>();
                for (PodInfo p : mesh.registry().pods()) {
                    if (p.workload().equals(w.name()) && p.namespace().equals(s.namespace())) {
                        Map<String, Object> pod = new LinkedHashMap<>();
                        pod.put("name", p.name());
                        pod.put("address", p.address());
                        pod.put("appPort", p.appPort());
                        pod.put("inboundPort", p.inboundPort());
                        pod.put("outboundPort", p.outboundPort());
                        Map<String, String> tcp = new LinkedHashMap<>();
                        p.tcpOutbound().forEach((service, port) -> tcp.put(service, p.address() + ":" + port));
                        // and those a ServiceEntry applied since the start opened
                        mesh.proxy(p.name()).ifPresent(px -> px.tcpListeners().forEach((service, at) ->
                                tcp.putIfAbsent(service, at.getHostString() + ":" + at.getPort())));
                        pod.put("tcpOutbound", tcp);
                        pod.put("sidecar", p.sidecar());
                        pod.put("labels", p.labels());
                        pods.add(pod);
                    }
                }
                Map<String, Object> wl = new LinkedHashMap<>();
                wl.put("name", w.name());
                wl.put("version", w.version());
                wl.put("serviceAccount", w.serviceAccount());
                wl.put("pods", pods);
                workloads.add(wl);
            }
            Map<String, Object> svc = new LinkedHashMap<>();
            svc.put("name", s.name());
            svc.put("namespace", s.namespace());
            svc.put("port", s.port());
            svc.put("protocol", s.protocol().yamlName());
            svc.put("workloads", workloads);
            services.add(svc);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", mesh.topology().mesh().name());
        out.put("ingress", "127.0.0.1:" + mesh.ingressAddress().getPort());
        out.put("services", services);
        return out;
    }

    public static List<Map<String, Object>> edges(List<EdgeSnapshot> snapshots) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (EdgeSnapshot e : snapshots) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", e.source());
            m.put("destination", e.destination());
            m.put("destinationService", e.destinationService());
            m.put("requests", e.requests());
            m.put("rps", round(e.rps()));
            m.put("successRate", Double.isNaN(e.successRate()) ? null : round(e.successRate()));
            m.put("p50Ms", round(e.p50Ms()));
            m.put("p95Ms", round(e.p95Ms()));
            m.put("p99Ms", round(e.p99Ms()));
            m.put("responses", e.responses());
            m.put("responseFlags", e.responseFlags());
            m.put("mtls", e.mtls());
            m.put("health", e.health().label());
            out.add(m);
        }
        return out;
    }

    private List<Map<String, Object>> edges(int window) {
        return edges(mesh.edges(window));
    }

    private AdminServer.Reply configDump(String proxy) {
        if (proxy == null) {
            return AdminServer.Reply.text(400, "missing ?proxy=POD (expected a pod name like reviews-v2-0, or istio-ingressgateway)\n");
        }
        Proxy p = mesh.proxy(proxy).orElse(null);
        if (p == null) {
            return AdminServer.Reply.text(404, "no proxy " + proxy + " (expected one of: " + String.join(", ", proxies()) + ")\n");
        }
        return json(200, ConfigDump.of(p.snapshot(), p.tcpListeners()));
    }

    /** Every proxy with the listeners it opened, outbound TCP ones with the service they relay to. */
    private List<Map<String, Object>> proxyListeners() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String name : proxies()) {
            Proxy p = mesh.proxy(name).orElse(null);
            if (p == null) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("proxy", name);
            m.put("listeners", ConfigDump.listeners(p.snapshot(), p.tcpListeners()));
            out.add(m);
        }
        return out;
    }

    private List<String> proxies() {
        List<String> names = mesh.registry().pods().stream().filter(PodInfo::sidecar).map(PodInfo::name).collect(Collectors.toList());
        names.add(dev.loopmesh.controlplane.Registry.GATEWAY);
        return names;
    }

    /**
     * The last {@code limit} records of a proxy, or with {@code after} the first {@code limit} whose sequence
     * is above it (a follower passes the last sequence it saw). TEXT lines, or Istio's JSON objects with the
     * proxy and the sequence added.
     */
    private AdminServer.Reply accessLog(String proxy, int limit, long after, String format) {
        if (proxy == null) {
            return AdminServer.Reply.text(400, "missing ?proxy=POD (expected one of: " + String.join(", ", proxies()) + ")\n");
        }
        if (format != null && !format.equals("json") && !format.equals("text")) {
            return AdminServer.Reply.text(400, "format " + format + " (expected: text or json)\n");
        }
        if (!proxies().contains(proxy)) {
            return AdminServer.Reply.text(404, "no proxy " + proxy + " (expected one of: " + String.join(", ", proxies()) + ")\n");
        }
        List<AccessLog.Entry> entries = mesh.telemetry().accessLog().entries(proxy, after, Math.max(1, limit));
        if ("json".equals(format)) {
            List<Map<String, Object>> out = new ArrayList<>(entries.size());
            for (AccessLog.Entry e : entries) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("sequence", e.sequence());
                m.put("proxy", e.record().proxy());
                m.putAll(AccessLogFormat.fields(e.record()));
                // Loopmesh's own, for `loopmesh top` and scripts: who called whom, and the duration to the µs
                m.put("reporter", e.record().reporter());
                m.put("source_workload", e.record().sourceWorkload());
                m.put("destination_workload", e.record().destinationWorkload());
                m.put("destination_service", e.record().destinationService());
                m.put("duration_us", e.record().durationMicros());
                out.add(m);
            }
            return json(200, out);
        }
        StringBuilder sb = new StringBuilder();
        for (AccessLog.Entry e : entries) {
            sb.append(AccessLogFormat.text(e.record())).append('\n');
        }
        return AdminServer.Reply.text(200, sb.toString());
    }

    private AdminServer.Reply applyOrDelete(String body, boolean apply) {
        List<MeshResource> resources;
        try {
            resources = parser.apply(body);
        } catch (TopologyException e) {
            return json(422, Map.of("applied", false, "errors", e.problems().stream().map(Object::toString).toList()));
        }
        ApplyResult r = apply ? mesh.apply(resources) : mesh.delete(resources);
        List<Map<String, Object>> items = new ArrayList<>();
        for (ApplyResult.Outcome o : r.outcomes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("resource", o.resource());
            m.put("accepted", o.accepted());
            m.put("action", o.action());
            m.put("problems", o.problems().stream().map(Object::toString).toList());
            m.put("proxies", o.proxies());
            items.add(m);
        }
        return json(r.allAccepted() ? 200 : 422, Map.of("version", r.version(), "results", items));
    }

    private static AdminServer.Reply json(int status, Object body) {
        return AdminServer.Reply.json(status, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n");
    }

    private static String param(QueryStringDecoder uri, String name) {
        List<String> v = uri.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static long longParam(QueryStringDecoder uri, String name, long def) {
        String v = param(uri, name);
        try {
            return v == null ? def : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return def;
        }
    }

    private static int intParam(QueryStringDecoder uri, String name, int def) {
        String v = param(uri, name);
        try {
            return v == null ? def : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return def;
        }
    }

    static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 1000) / 1000.0;
    }

    /** A proxy's effective config, as {@code istioctl proxy-config all} lays it out. */
    record ConfigDump(String proxy, long version, List<String> listeners, Object routes, List<Map<String, Object>> tcpRoutes,
                      List<Map<String, Object>> clusters, List<String> resources) {
        /** Istio's listener names: virtualOutbound/virtualInbound, and one {@code address_port} per outbound TCP service. */
        static List<String> listeners(ProxySnapshot s, Map<String, java.net.InetSocketAddress> tcp) {
            if (s.proxy().equals(dev.loopmesh.controlplane.Registry.GATEWAY)) {
                return List.of("0.0.0.0_8080 (gateway)");
            }
            List<String> out = new ArrayList<>(List.of("virtualOutbound 15001", "virtualInbound 15006"));
            tcp.forEach((service, a) -> out.add(a.getAddress().getHostAddress() + "_" + a.getPort() + " (tcp_proxy for " + service + ")"));
            return out;
        }

        static ConfigDump of(ProxySnapshot s, Map<String, java.net.InetSocketAddress> tcp) {
            List<Map<String, Object>> tcpRoutes = new ArrayList<>();
            // one entry per filter chain of each listener, in the order they are tried
            s.tcpRoutes().forEach((service, chains) -> chains.routes().forEach(r -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("service", service);
                java.net.InetSocketAddress a = tcp.get(service);
                m.put("listener", a == null ? null : a.getAddress().getHostAddress() + ":" + a.getPort());
                m.put("virtualService", r.virtualService());
                m.put("kind", r.kind());
                m.put("rule", r.ruleIndex());
                m.put("match", r.match().describe());
                m.put("why", r.why());
                m.put("clusters", r.destinations().stream().map(d -> d.cluster() + " (weight " + d.weight() + ")").toList());
                tcpRoutes.add(m);
            }));
            List<Map<String, Object>> clusters = new ArrayList<>();
            for (ClusterConfig c : s.clusters().values()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", c.name());
                m.put("service", c.service());
                m.put("subset", c.subset());
                m.put("lb", c.lb().kind().name());
                m.put("connectionPool", c.connectionPool());
                m.put("outlierDetection", c.outlier());
                if (c.retryBudget() != null) {
                    m.put("retryBudget", c.retryBudget());
                }
                m.put("tlsMode", c.tlsMode());
                m.put("destinationRule", c.destinationRule());
                m.put("endpoints", c.endpoints().stream().map(Endpoint::pod).toList());
                clusters.add(m);
            }
            clusters.sort((a, b) -> ((String) a.get("name")).compareTo((String) b.get("name")));
            return new ConfigDump(s.proxy(), s.version(), listeners(s, tcp), s.routes().toString(), tcpRoutes, clusters, s.resources());
        }
    }
}
