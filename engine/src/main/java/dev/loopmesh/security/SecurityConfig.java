package dev.loopmesh.security;

import dev.loopmesh.policy.authn.PeerAuthentication;
import dev.loopmesh.policy.authn.RequestAuthentication;
import dev.loopmesh.policy.authz.AuthorizationPolicy;
import dev.loopmesh.policy.authz.linkerd.LinkerdAuthorization;
import dev.loopmesh.policy.authz.linkerd.LinkerdServer;
import dev.loopmesh.topology.Problem;

import java.util.List;

/** Every security resource of a mesh, bound; resources with errors are left out (never half-applied). */
public record SecurityConfig(SecuritySettings settings, List<PeerAuthentication> peerAuthentications,
                             List<AuthorizationPolicy> authorizationPolicies, List<RequestAuthentication> requestAuthentications,
                             List<LinkerdServer> linkerdServers, List<LinkerdAuthorization> linkerdAuthorizations,
                             List<Problem> problems) {
    public SecurityConfig {
        peerAuthentications = List.copyOf(peerAuthentications);
        authorizationPolicies = List.copyOf(authorizationPolicies);
        requestAuthentications = List.copyOf(requestAuthentications);
        linkerdServers = List.copyOf(linkerdServers);
        linkerdAuthorizations = List.copyOf(linkerdAuthorizations);
        problems = List.copyOf(problems);
    }

    public static final SecurityConfig EMPTY = new SecurityConfig(SecuritySettings.DEFAULT, List.of(), List.of(), List.of(),
            List.of(), List.of(), List.of());
}
