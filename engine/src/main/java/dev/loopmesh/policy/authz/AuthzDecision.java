package dev.loopmesh.policy.authz;

import java.util.List;

/**
 * The outcome of authorization for one request.
 *
 * @param allowed  whether the request goes on
 * @param policy   {@code ns/name} of the policy that decided, "" when no policy did (allowed by default, or
 *                 denied because ALLOW policies exist and none matched)
 * @param reason   one line for people: "denied by DENY policy default/deny-admin", "allowed: no ALLOW policy", …
 * @param custom   whether a CUSTOM (ext_authz) policy denied it: flag UAEX rather than RBAC
 * @param shadow   what dry-run policies would have done, and AUDIT matches, for the log
 */
public record AuthzDecision(boolean allowed, String policy, String reason, boolean custom, List<String> shadow) {
    public AuthzDecision {
        policy = policy == null ? "" : policy;
        shadow = List.copyOf(shadow);
    }
}
