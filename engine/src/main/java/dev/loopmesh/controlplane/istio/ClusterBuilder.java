package dev.loopmesh.controlplane.istio;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.istio.DestinationRule.TrafficPolicy;
import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.policy.routing.LbPolicy;
import dev.loopmesh.topology.Protocol;
import dev.loopmesh.topology.ServiceSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Envoy clusters for one proxy: a default cluster per service port, one per DestinationRule subset. */
final class ClusterBuilder {
    private final IstioConfig config;

    ClusterBuilder(IstioConfig config) {
        this.config = config;
    }

    void service(ServiceSpec s, ProxyContext proxy, Map<String, ClusterConfig> out, Set<String> used) {
        List<Endpoint> all = new ArrayList<>();
        for (PodInfo p : config.registry.podsOf(s.name(), s.namespace())) {
            all.add(new Endpoint(p.name(), p.workload(), p.address(), p.connectPort(), p.labels(), p.sidecar(),
                    p.serviceAccount(), p.namespace()));
        }
        add(s.fqdn(), s.namespace(), s.port(), all, null, s.protocol(), proxy, out, used);
    }

    void serviceEntry(ServiceEntry se, String host, ProxyContext proxy, Map<String, ClusterConfig> out, Set<String> used) {
        for (ServiceEntry.Port port : se.ports()) {
            List<Endpoint> endpoints = new ArrayList<>();
            int target = port.targetPort() != 0 ? port.targetPort() : port.number();
            if (!se.endpoints().isEmpty()) {
                for (ServiceEntry.WorkloadEntry e : se.endpoints()) {
                    int p = port.name() != null && e.ports().containsKey(port.name()) ? e.ports().get(port.name()) : target;
                    endpoints.add(new Endpoint(e.address() + ":" + p, "", e.address(), p, e.labels(), false, "", se.namespace()));
                }
            } else if (ServiceEntries.isTcp(port) && !loopbackAddresses(se).isEmpty()) {
                // a TCP connection has no authority: NONE forwards to the address the app dialed, the entry's own
                for (String a : loopbackAddresses(se)) {
                    endpoints.add(new Endpoint(a + ":" + target, "", a, target, Map.of(), false, "", se.namespace()));
                }
            } else if (!host.startsWith("*")) {
                // DNS resolves the host itself; NONE forwards to where the caller was going: the host too
                endpoints.add(new Endpoint(host + ":" + target, "", host, target, Map.of(), false, "", se.namespace()));
            }
            LbPolicy lb = se.resolution().equals("NONE") ? new LbPolicy(LbPolicy.Kind.PASSTHROUGH, null, null) : null;
            add(host, se.namespace(), port.number(), endpoints, lb, ServiceEntries.isTcp(port) ? Protocol.TCP : Protocol.HTTP,
                    proxy, out, used);
        }
    }

    /** The entry's {@code addresses} that are single loopback addresses (127.x.y.z or 127.x.y.z/32). */
    private static List<String> loopbackAddresses(ServiceEntry se) {
        List<String> out = new ArrayList<>();
        for (String a : se.addresses()) {
            String ip = a.endsWith("/32") ? a.substring(0, a.length() - 3) : a;
            if (ip.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
                out.add(ip);
            }
        }
        return out;
    }

    private void add(String host, String hostNamespace, int port, List<Endpoint> all, LbPolicy defaultLb, Protocol protocol,
                     ProxyContext proxy, Map<String, ClusterConfig> out, Set<String> used) {
        DestinationRule dr = config.destinationRule(host, hostNamespace, proxy.namespace());
        TrafficPolicy top = dr == null ? TrafficPolicy.EMPTY : dr.trafficPolicy();
        String drKey = dr == null ? "" : dr.key();
        if (dr != null) {
            used.add("DestinationRule " + dr.key());
        }
        out.put(ClusterConfig.name("outbound", port, "", host),
                cluster(ClusterConfig.name("outbound", port, "", host), host, "", port, all,
                        TrafficPolicy.effective(top, null, port), defaultLb, drKey, protocol));
        versionClusters(host, port, all, dr, top, defaultLb, drKey, protocol, out);
        if (dr == null) {
            return;
        }
        for (DestinationRule.Subset subset : dr.subsets()) {
            List<Endpoint> selected = new ArrayList<>();
            for (Endpoint e : all) {
                if (e.labels().entrySet().containsAll(subset.labels().entrySet())) {
                    selected.add(e);
                }
            }
            String name = ClusterConfig.name("outbound", port, subset.name(), host);
            out.put(name, cluster(name, host, subset.name(), port, selected,
                    TrafficPolicy.effective(top, subset.trafficPolicy(), port), defaultLb, drKey, protocol));
        }
    }

    /**
     * The clusters of the versions Gateway API backendRefs name as {@code <service>-<version>} Services: the pods
     * labelled with that version, under the subset name of the version. A DestinationRule subset of that name
     * takes its place (it comes after), as Istio users name subsets after versions.
     */
    private void versionClusters(String host, int port, List<Endpoint> all, DestinationRule dr, TrafficPolicy top,
                                 LbPolicy defaultLb, String drKey, Protocol protocol, Map<String, ClusterConfig> out) {
        for (String version : config.gatewayApi.versionSubsets().getOrDefault(host, Set.of())) {
            if (dr != null && dr.subset(version) != null) {
                continue;
            }
            List<Endpoint> selected = all.stream().filter(e -> version.equals(e.labels().get("version"))).toList();
            String name = ClusterConfig.name("outbound", port, version, host);
            out.put(name, cluster(name, host, version, port, selected, TrafficPolicy.effective(top, null, port), defaultLb, drKey,
                    protocol));
        }
    }

    private static ClusterConfig cluster(String name, String host, String subset, int port, List<Endpoint> endpoints,
                                         TrafficPolicy p, LbPolicy defaultLb, String dr, Protocol protocol) {
        LbPolicy lb = p.loadBalancer() != null ? p.loadBalancer() : defaultLb;
        return new ClusterConfig(name, host, subset, port, endpoints, lb, p.connectionPool(), p.outlierDetection(),
                p.tlsMode(), dr, protocol, p.retryBudget());
    }
}
