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
        return new InboundSecurity(mtls(pod), authorization(pod.namespace(), pod.labels(), pod.service()),
                jwtRules(pod.namespace(), pod.labels(), pod.service()), linkerd, config.settings().pathNormalization(),
                config.settings().trustDomain(), config.settings().extAuthz());
    }

    /**
     * What the ingress gateway enforces on the requests it accepts: the AuthorizationPolicies and
     * RequestAuthentications that select its pod (by its labels, e.g. {@code istio: ingressgateway}, in its
     * namespace, or mesh-wide from the root namespace, which is also the gateway's). No mTLS: clients of the
     * gateway are outside the mesh; no Linkerd policy (Linkerd has no ingress of its own).
     */
    public InboundSecurity gateway(String namespace, Map<String, String> labels) {
        return new InboundSecurity(InboundMtls.DEFAULT, authorization(namespace, labels, ""), jwtRules(namespace, labels, ""), null,
                config.settings().pathNormalization(), config.settings().trustDomain(), config.settings().extAuthz());
    }

    private List<AuthorizationPolicy> authorization(String namespace, Map<String, String> labels, String service) {
        List<AuthorizationPolicy> authz = new ArrayList<>();
        for (AuthorizationPolicy p : config.authorizationPolicies()) {
            if (applies(p.namespace(), p.selector(), p.targets(), namespace, labels, service)) {
                authz.add(p);
            }
        }
        return authz;
    }

    private List<JwtRule> jwtRules(String namespace, Map<String, String> labels, String service) {
        List<JwtRule> jwt = new ArrayList<>();
        for (RequestAuthentication ra : config.requestAuthentications()) {
            if (applies(ra.namespace(), ra.selector(), ra.targets(), namespace, labels, service)) {
                jwt.addAll(ra.rules());
            }
        }
        return jwt;
    }

    static boolean applies(String namespace, Map<String, String> selector, List<String> targets, PodInfo pod) {
        return applies(namespace, selector, targets, pod.namespace(), pod.labels(), pod.service());
    }

    static boolean applies(String policyNamespace, Map<String, String> selector, List<String> targets, String namespace,
                           Map<String, String> labels, String service) {
        boolean root = policyNamespace.equals(ROOT_NAMESPACE);
        if (!root && !policyNamespace.equals(namespace)) {
            return false;
        }
        if (!targets.isEmpty()) {
            return !service.isEmpty() && targets.contains("Service/" + service) && policyNamespace.equals(namespace);
        }
        return selector == null || labels.entrySet().containsAll(selector.entrySet());
    }

    /** Whether a policy applies to the ingress gateway (selector {@code istio: ingressgateway} in the root namespace, say). */
    public static boolean selectsGateway(String namespace, Map<String, String> selector, List<String> targets) {
        return applies(namespace, selector, targets, Registry.GATEWAY_NAMESPACE, dev.loopmesh.controlplane.istio.IstioTranslator.GATEWAY_LABELS, "");
    }

    /** The pods of {@code registry} a policy selects, for "selects nothing" warnings. */
    public static List<PodInfo> selected(Registry registry, String namespace, Map<String, String> selector, List<String> targets) {
        return registry.pods().stream().filter(p -> applies(namespace, selector, targets, p)).toList();
    }
}
