package dev.loopmesh.policy.authz;

/** AuthorizationPolicy actions. Evaluation order: CUSTOM, then DENY, then ALLOW; AUDIT only records. */
public enum Action { ALLOW, DENY, AUDIT, CUSTOM }
