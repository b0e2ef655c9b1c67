package dev.loopmesh.app.common.standin;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.Translator;
import dev.loopmesh.policy.resilience.RetryPolicy;
import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.policy.routing.RequestView;
import dev.loopmesh.policy.routing.RouteTable;
import dev.loopmesh.policy.routing.RoutingDecision;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.ServiceSpec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A control plane that ignores Istio resources (the engine's data-plane test translator): a sidecar
 * routes by the host's first label, the gateway sends everything to one service. Stands in for the
 * Istio translator until it is merged.
 */
public final class HostRoutingTranslator implements Translator {
    private final String gatewayService;
    private final RetryPolicy retry;

    public HostRoutingTranslator(String gatewayService, RetryPolicy retry) {
        this.gatewayService = gatewayService;
        this.retry = retry;
    }

    /** Routes the gateway to the first ingress route's service (or the first service). */
    public static HostRoutingTranslator forIngress(MeshSpec mesh) {
        String target = mesh.ingress().routes().isEmpty()
                ? mesh.services().get(0).name()
                : mesh.ingress().routes().get(0).service();
        return new HostRoutingTranslator(target, RetryPolicy.ISTIO_DEFAULT);
    }

    @Override
    public List<Problem> validate(MeshResource resource, Registry registry) {
        return List.of();
    }

    @Override
    public Map<String, ProxySnapshot> translate(Registry registry, List<MeshResource> resources, long version) {
        Map<String, ClusterConfig> clusters = new HashMap<>();
        for (ServiceSpec s : registry.mesh().services()) {
            List<Endpoint> eps = registry.podsOf(s.name(), s.namespace()).stream().map(HostRoutingTranslator::endpoint).toList();
            String name = ClusterConfig.name("outbound", s.port(), "", s.fqdn());
            clusters.put(name, new ClusterConfig(name, s.fqdn(), "", s.port(), eps, null, null, null, "", ""));
        }
        List<String> names = resources.stream().map(r -> r.kind() + " " + r.namespace() + "/" + r.name()).toList();
        Map<String, ProxySnapshot> out = new HashMap<>();
        for (PodInfo p : registry.pods()) {
            out.put(p.name(), new ProxySnapshot(p.name(), version, new Table(registry, null, retry), clusters, null, names));
        }
        out.put(Registry.GATEWAY, new ProxySnapshot(Registry.GATEWAY, version, new Table(registry, gatewayService, retry), clusters,
                null, names));
        return out;
    }

    private static Endpoint endpoint(PodInfo p) {
        return new Endpoint(p.name(), p.workload(), p.address(), p.connectPort(), p.labels(), p.sidecar(), p.serviceAccount(),
                p.namespace());
    }

    private record Table(Registry registry, String fixed, RetryPolicy retry) implements RouteTable {
        @Override
        public RoutingDecision route(RequestView request, RandomGenerator random) {
            String host = fixed != null ? fixed : request.authority().split("[:.]")[0];
            return registry.mesh().services().stream().filter(s -> s.name().equals(host)).findFirst()
                    .map(s -> new RoutingDecision(RoutingDecision.Outcome.ROUTE, "", -1, "default",
                            ClusterConfig.name("outbound", s.port(), "", s.fqdn()), s.fqdn(), "", s.port(), null, null, null, null,
                            null, retry, null, List.of(), 0, "", null, List.of("host " + host)))
                    .orElse(RoutingDecision.noRoute("no virtual host for " + request.authority()));
        }
    }
}
