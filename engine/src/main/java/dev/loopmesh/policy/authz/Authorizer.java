package dev.loopmesh.policy.authz;

import java.util.ArrayList;
import java.util.List;

/**
 * Istio's authorization evaluation for the policies that apply to one workload (Istio, "Authorization
 * Policy", implicit enablement): (1) if a CUSTOM policy matches and its provider denies, deny; (2) if a
 * DENY policy matches, deny; (3) if no ALLOW policy applies, allow; (4) if an ALLOW policy matches,
 * allow; (5) deny. AUDIT policies only mark matches for the log; {@code istio.io/dry-run} policies are
 * evaluated in shadow and never change the outcome.
 */
public final class Authorizer {
    /** An ext_authz provider of CUSTOM policies: true allows. */
    @FunctionalInterface
    public interface ExtAuthz {
        boolean check(String provider, AuthzRequest request);

        /** No provider configured: a matching CUSTOM policy denies (ext_authz fails closed by default). */
        ExtAuthz NONE = (provider, request) -> false;
    }

    private Authorizer() {
    }

    /**
     * The first enforced CUSTOM policy that matches {@code r}, or null: the request goes to that policy's
     * provider before DENY and ALLOW are looked at (Istio sends only matching requests to ext_authz).
     */
    public static AuthorizationPolicy matchingCustom(List<AuthorizationPolicy> policies, AuthzRequest r) {
        for (AuthorizationPolicy p : policies) {
            if (p.action() == Action.CUSTOM && !p.dryRun() && p.matches(r)) {
                return p;
            }
        }
        return null;
    }

    /** Authorization of a TCP connection (Envoy's network RBAC filter): the policies as {@link AuthorizationPolicy#forTcp} reads them. */
    public static AuthzDecision evaluateTcp(List<AuthorizationPolicy> policies, AuthzRequest r) {
        List<AuthorizationPolicy> tcp = policies.stream().map(AuthorizationPolicy::forTcp).filter(java.util.Objects::nonNull).toList();
        return evaluate(tcp, r, ExtAuthz.NONE);
    }

    public static AuthzDecision evaluate(List<AuthorizationPolicy> policies, AuthzRequest r) {
        return evaluate(policies, r, ExtAuthz.NONE);
    }

    public static AuthzDecision evaluate(List<AuthorizationPolicy> policies, AuthzRequest r, ExtAuthz ext) {
        List<String> shadow = new ArrayList<>();
        shadow(policies, r, shadow);
        for (AuthorizationPolicy p : policies) {
            if (p.action() == Action.CUSTOM && !p.dryRun() && p.matches(r) && !ext.check(p.provider(), r)) {
                return new AuthzDecision(false, p.label(), "denied by CUSTOM policy " + p.label() + " (provider " + p.provider() + ")",
                        true, shadow);
            }
        }
        for (AuthorizationPolicy p : policies) {
            if (p.action() == Action.DENY && !p.dryRun() && p.matches(r)) {
                return new AuthzDecision(false, p.label(), "denied by DENY policy " + p.label(), false, shadow);
            }
        }
        boolean anyAllow = false;
        for (AuthorizationPolicy p : policies) {
            if (p.action() == Action.ALLOW && !p.dryRun()) {
                anyAllow = true;
                if (p.matches(r)) {
                    return new AuthzDecision(true, p.label(), "allowed by ALLOW policy " + p.label(), false, shadow);
                }
            }
        }
        if (!anyAllow) {
            return new AuthzDecision(true, "", "allowed: no ALLOW policy applies", false, shadow);
        }
        return new AuthzDecision(false, "", "denied: no ALLOW policy matched", false, shadow);
    }

    private static void shadow(List<AuthorizationPolicy> policies, AuthzRequest r, List<String> out) {
        boolean dryAllow = false;
        boolean dryAllowMatched = false;
        for (AuthorizationPolicy p : policies) {
            if (p.action() == Action.AUDIT && p.matches(r)) {
                out.add("audited by AUDIT policy " + p.label());
            }
            if (!p.dryRun()) {
                continue;
            }
            if (p.action() == Action.DENY && p.matches(r)) {
                out.add("dry-run: would be denied by DENY policy " + p.label());
            } else if (p.action() == Action.ALLOW) {
                dryAllow = true;
                if (p.matches(r)) {
                    dryAllowMatched = true;
                    out.add("dry-run: would be allowed by ALLOW policy " + p.label());
                }
            }
        }
        if (dryAllow && !dryAllowMatched) {
            out.add("dry-run: would be denied, no dry-run ALLOW policy matched");
        }
    }
}
