package dev.loopmesh.security;

import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.policy.authn.InboundMtls;
import dev.loopmesh.policy.authn.JwtRule;
import dev.loopmesh.policy.authn.PeerAuthenticationResolver;
import dev.loopmesh.policy.authn.RequestAuthentication;
import dev.loopmesh.policy.authz.AuthorizationPolicy;
import dev.loopmesh.policy.authz.linkerd.LinkerdPolicy;
import dev.loopmesh.topology.MeshResource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The control plane's security step: which PeerAuthentication, AuthorizationPolicies and
 * RequestAuthentications apply to each workload. A policy without selector applies to its namespace —
 * to every namespace when it is in the root namespace ({@code istio-system}); a selector picks pods by
 * label (in every namespace from the root namespace); a {@code targetRef} to a Service picks that
 * service's pods.
 */
public final class SecurityTranslator {
    public static final String ROOT_NAMESPACE = PeerAuthenticationResolver.ROOT_NAMESPACE;

    private final SecurityConfig config;
    private final PeerAuthenticationResolver peers;
    private final LinkerdPolicy linkerd;

    public SecurityTranslator(SecurityConfig config) {
        this.config = config;
        this.peers = new PeerAuthenticationResolver(config.peerAuthentications());
        this.linkerd = config.settings().linkerdDefault() == null ? null
                : new LinkerdPolicy(config.settings().linkerdDefault(), config.linkerdServers(), config.linkerdAuthorizations());
    }

    public static SecurityTranslator of(List<MeshResource> resources) {
        return new SecurityTranslator(SecurityBinder.bind(resources));
    }

    public SecurityConfig config() {
        return config;
    }

    public InboundMtls mtls(PodInfo pod) {
        return peers.resolve(pod.namespace(), pod.labels());
    }

    public InboundSecurity inbound(PodInfo pod) {
        List<AuthorizationPolicy> authz = new ArrayList<>();
        for (AuthorizationPolicy p : config.authorizationPolicies()) {
            if (applies(p.namespace(), p.selector(), p.targets(), pod)) {
                authz.add(p);
            }
        }
        List<JwtRule> jwt = new ArrayList<>();
        for (RequestAuthentication ra : config.requestAuthentications()) {
            if (applies(ra.namespace(), ra.selector(), ra.targets(), pod)) {
                jwt.addAll(ra.rules());
            }
        }
        return new InboundSecurity(mtls(pod), authz, jwt, linkerd, config.settings().pathNormalization(), config.settings().trustDomain());
    }

    static boolean applies(String namespace, Map<String, String> selector, List<String> targets, PodInfo pod) {
        boolean root = namespace.equals(ROOT_NAMESPACE);
        if (!root && !namespace.equals(pod.namespace())) {
            return false;
        }
        if (!targets.isEmpty()) {
            return targets.contains("Service/" + pod.service()) && namespace.equals(pod.namespace());
        }
        return selector == null || pod.labels().entrySet().containsAll(selector.entrySet());
    }

    /** The pods of {@code registry} a policy selects, for "selects nothing" warnings. */
    public static List<PodInfo> selected(Registry registry, String namespace, Map<String, String> selector, List<String> targets) {
        return registry.pods().stream().filter(p -> applies(namespace, selector, targets, p)).toList();
    }
}
