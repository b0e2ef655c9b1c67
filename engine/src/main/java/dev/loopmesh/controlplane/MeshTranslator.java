package dev.loopmesh.controlplane;

import dev.loopmesh.chaos.ChaosBinder;
import dev.loopmesh.chaos.ChaosNames;
import dev.loopmesh.controlplane.istio.IstioTranslator;
import dev.loopmesh.policy.ratelimit.RateLimitBinder;
import dev.loopmesh.policy.ratelimit.RateLimitBinding;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole control plane's translation: Istio's networking resources through {@link IstioTranslator},
 * plus the local rate limits (Loopmesh {@code LocalRateLimit}, Linkerd {@code HTTPLocalRateLimitPolicy})
 * that land in each pod's inbound config. Chaos documents are validated here but scheduled by the mesh.
 */
public final class MeshTranslator implements Translator {
    private final IstioTranslator istio = new IstioTranslator();

    public IstioTranslator istio() {
        return istio;
    }

    @Override
    public List<Problem> validate(MeshResource resource, Registry registry) {
        if (RateLimitBinder.isRateLimit(resource)) {
            return RateLimitBinder.bind(List.of(resource)).problems();
        }
        if (ChaosBinder.isChaos(resource)) {
            return ChaosBinder.bind(List.of(resource), names(registry)).problems();
        }
        if (isServerForRateLimits(resource)) {
            return dev.loopmesh.security.SecurityBinder.validate(resource);
        }
        return istio.validate(resource, registry);
    }

    @Override
    public List<Problem> validate(MeshResource resource, Registry registry, List<MeshResource> context) {
        if (dev.loopmesh.security.SecurityBinder.handles(resource)
                || dev.loopmesh.controlplane.gatewayapi.GatewayApiBinder.handles(resource)) {
            return istio.validate(resource, registry, context);
        }
        return validate(resource, registry);
    }

    /** Problems across resources (unknown subsets, missing delegates, a Server a rate limit names …). */
    public List<Problem> analyze(Registry registry, List<MeshResource> resources) {
        List<Problem> out = new ArrayList<>(istio.analyze(registry, resources));
        out.addAll(RateLimitBinder.bind(resources).problems());
        return out;
    }

    @Override
    public Map<String, ProxySnapshot> translate(Registry registry, List<MeshResource> resources, long version) {
        Map<String, ProxySnapshot> snapshots = istio.translate(registry, resources, version);
        RateLimitBinding limits = RateLimitBinder.bind(resources);
        if (limits.rules().isEmpty()) {
            return snapshots;
        }
        Map<String, ProxySnapshot> out = new LinkedHashMap<>(snapshots);
        for (PodInfo pod : registry.pods()) {
            ProxySnapshot s = out.get(pod.name());
            if (s == null) {
                continue;
            }
            limits.configFor(pod.namespace(), pod.labels(), pod.servicePort()).ifPresent(cfg -> out.put(pod.name(),
                    s.withInbound(s.inbound().withRateLimit(cfg), withResource(s.resources(), cfg.source()))));
        }
        return out;
    }

    private static List<String> withResource(List<String> resources, String source) {
        List<String> r = new ArrayList<>(resources);
        if (source != null && !r.contains(source)) {
            r.add(source);
        }
        return r;
    }

    /** Linkerd's Server is read by the rate-limit binder and by the security binder (its authorization model). */
    private static boolean isServerForRateLimits(MeshResource r) {
        return r.group().equals(RateLimitBinder.LINKERD_GROUP) && r.kind().equals("Server");
    }

    public static ChaosNames names(Registry registry) {
        Set<String> pods = new HashSet<>();
        Set<String> workloads = new HashSet<>();
        Set<String> services = new HashSet<>();
        for (PodInfo p : registry.pods()) {
            pods.add(p.name());
            workloads.add(p.workload());
            services.add(p.service());
        }
        return new ChaosNames(pods, workloads, services);
    }
}
