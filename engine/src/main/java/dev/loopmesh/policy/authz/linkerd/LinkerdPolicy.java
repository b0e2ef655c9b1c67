package dev.loopmesh.policy.authz.linkerd;

import dev.loopmesh.policy.authz.IpBlock;

import java.util.List;
import java.util.Map;

/**
 * Linkerd's inbound authorization for one pod: the Server that selects the port decides (denied unless an
 * authorization of that Server allows the client); ports no Server selects follow the default inbound
 * policy. Identities are Linkerd's: {@code <sa>.<ns>.serviceaccount.identity.linkerd.<trust-domain>}.
 */
public record LinkerdPolicy(DefaultPolicy defaultPolicy, List<LinkerdServer> servers, List<LinkerdAuthorization> authorizations) {
    /** Loopmesh's cluster network: all of loopback. */
    public static final IpBlock CLUSTER_NETWORK = IpBlock.parse("127.0.0.0/8");

    public LinkerdPolicy {
        servers = List.copyOf(servers);
        authorizations = List.copyOf(authorizations);
    }

    /** The outcome and who decided it ({@code Server ns/name}, or {@code default:<policy>}). */
    public record Decision(boolean allowed, String decidedBy, boolean audit) {
    }

    /** Linkerd's identity name of a SPIFFE id ({@code spiffe://td/ns/N/sa/S} → {@code S.N.serviceaccount.identity.linkerd.td}). */
    public static String identity(String spiffeId) {
        if (spiffeId == null || spiffeId.isEmpty()) {
            return "";
        }
        String p = spiffeId.startsWith("spiffe://") ? spiffeId.substring(9) : spiffeId;
        String[] parts = p.split("/");
        if (parts.length == 5 && parts[1].equals("ns") && parts[3].equals("sa")) {
            return parts[4] + "." + parts[2] + ".serviceaccount.identity.linkerd." + parts[0];
        }
        return p;
    }

    public Decision evaluate(String namespace, Map<String, String> labels, int port, String spiffeId, String sourceIp) {
        String id = identity(spiffeId);
        for (LinkerdServer s : servers) {
            if (s.selects(namespace, labels, port)) {
                for (LinkerdAuthorization a : authorizations) {
                    if (a.targets(s) && a.allows(id, sourceIp)) {
                        return new Decision(true, "Server " + s.label() + " via " + a.label(), false);
                    }
                }
                return fallback(s.accessPolicy(), id, sourceIp, "Server " + s.label());
            }
        }
        return fallback(defaultPolicy, id, sourceIp, "default:" + defaultPolicy.value());
    }

    static Decision fallback(DefaultPolicy p, String id, String ip, String by) {
        boolean meshed = !id.isEmpty();
        boolean cluster = CLUSTER_NETWORK.contains(ip);
        switch (p) {
            case ALL_UNAUTHENTICATED:
                return new Decision(true, by, false);
            case ALL_AUTHENTICATED:
                return new Decision(meshed, by, false);
            case CLUSTER_UNAUTHENTICATED:
                return new Decision(cluster, by, false);
            case CLUSTER_AUTHENTICATED:
                return new Decision(meshed && cluster, by, false);
            case AUDIT:
                return new Decision(true, by, true);
            case DENY:
            default:
                return new Decision(false, by, false);
        }
    }
}
