package dev.loopmesh.policy.authz.linkerd;

import dev.loopmesh.policy.authz.IpBlock;

import java.util.List;

/**
 * One way to be allowed onto a Server, from a ServerAuthorization or an AuthorizationPolicy with its
 * authentications resolved. Every requirement present must hold.
 *
 * @param servers        Server names it targets in its namespace; empty with {@code wholeNamespace}
 * @param wholeNamespace an AuthorizationPolicy targeting the Namespace: every Server of it
 * @param authenticated  the client must present a mesh identity (mTLS)
 * @param identities     when not empty, one must match the client's Linkerd identity ({@code *} and {@code *.suffix} allowed)
 * @param networks       when not empty, the client's address must be in one and in no {@code except}
 */
public record LinkerdAuthorization(String label, String namespace, List<String> servers, boolean wholeNamespace,
                                   boolean authenticated, List<String> identities, List<IpBlock> networks, List<IpBlock> except) {
    public LinkerdAuthorization {
        servers = List.copyOf(servers);
        identities = List.copyOf(identities);
        networks = List.copyOf(networks);
        except = List.copyOf(except);
    }

    public boolean targets(LinkerdServer s) {
        return s.namespace().equals(namespace) && (wholeNamespace || servers.contains(s.name()));
    }

    public boolean allows(String linkerdIdentity, String sourceIp) {
        boolean meshed = linkerdIdentity != null && !linkerdIdentity.isEmpty();
        if (authenticated && !meshed) {
            return false;
        }
        if (!identities.isEmpty() && (!meshed || identities.stream().noneMatch(i -> matches(i, linkerdIdentity)))) {
            return false;
        }
        if (!networks.isEmpty() && networks.stream().noneMatch(n -> n.contains(sourceIp))) {
            return false;
        }
        return except.stream().noneMatch(n -> n.contains(sourceIp));
    }

    static boolean matches(String pattern, String identity) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.startsWith("*.")) {
            return identity.endsWith(pattern.substring(1));
        }
        return pattern.equals(identity);
    }
}
