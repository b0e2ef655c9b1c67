package dev.loopmesh.security;

import dev.loopmesh.policy.authn.InboundMtls;
import dev.loopmesh.policy.authn.JwtRule;
import dev.loopmesh.policy.authz.AuthorizationPolicy;
import dev.loopmesh.policy.authz.ExtAuthzProvider;
import dev.loopmesh.policy.authz.PathNormalization;
import dev.loopmesh.policy.authz.linkerd.LinkerdPolicy;

import java.util.List;
import java.util.Map;

/**
 * What one workload's inbound listener enforces, computed by the control plane: the mTLS modes, the
 * AuthorizationPolicies and JWT rules that apply to it, Linkerd's policy when the mesh uses it, and how
 * paths are normalized.
 *
 * @param linkerd  null when the mesh does not use Linkerd's policy model
 * @param extAuthz the HTTP ext_authz providers of the mesh by name, for its CUSTOM policies
 */
public record InboundSecurity(InboundMtls mtls, List<AuthorizationPolicy> authorization, List<JwtRule> jwtRules,
                              LinkerdPolicy linkerd, PathNormalization pathNormalization, String trustDomain,
                              Map<String, ExtAuthzProvider> extAuthz) {
    public static final InboundSecurity NONE = new InboundSecurity(InboundMtls.DEFAULT, List.of(), List.of(), null,
            PathNormalization.BASE, "cluster.local");

    public InboundSecurity {
        mtls = mtls == null ? InboundMtls.DEFAULT : mtls;
        authorization = List.copyOf(authorization);
        jwtRules = List.copyOf(jwtRules);
        pathNormalization = pathNormalization == null ? PathNormalization.BASE : pathNormalization;
        trustDomain = trustDomain == null ? "cluster.local" : trustDomain;
        extAuthz = Map.copyOf(extAuthz == null ? Map.of() : extAuthz);
    }

    public InboundSecurity(InboundMtls mtls, List<AuthorizationPolicy> authorization, List<JwtRule> jwtRules, LinkerdPolicy linkerd,
                           PathNormalization pathNormalization, String trustDomain) {
        this(mtls, authorization, jwtRules, linkerd, pathNormalization, trustDomain, Map.of());
    }

    /** Whether requests need any check beyond mTLS. */
    public boolean checksRequests() {
        return !authorization.isEmpty() || !jwtRules.isEmpty() || linkerd != null;
    }
}
