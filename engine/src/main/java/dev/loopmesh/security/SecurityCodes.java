package dev.loopmesh.security;

/** Stable codes of the problems found in security resources (LM07xx), like istioctl analyze's IST codes. */
public final class SecurityCodes {
    /** A field the API does not have; the message suggests the nearest valid one. */
    public static final String UNKNOWN_FIELD = "LM0701";
    /** A value of the wrong kind: a list where a map is expected, text where a number is. */
    public static final String WRONG_TYPE = "LM0702";
    public static final String MISSING_FIELD = "LM0703";
    /** A value out of its range or not one of the allowed words. */
    public static final String INVALID_VALUE = "LM0704";
    /** Fields that cannot be used together (selector and targetRef, provider without CUSTOM …). */
    public static final String CONFLICT = "LM0705";
    /** An unsupported apiVersion or kind of a security group. */
    public static final String UNSUPPORTED = "LM0706";
    /** CUSTOM with a provider the mesh does not configure (istiod rejects it). */
    public static final String UNKNOWN_PROVIDER = "LM0707";
    /** A `when` key Istio does not know. */
    public static final String UNKNOWN_CONDITION = "LM0708";
    /** A JWKS that does not parse, or a jwksUri that cannot be read. */
    public static final String BAD_JWKS = "LM0709";
    /** An IP block that is not an address or CIDR. */
    public static final String BAD_CIDR = "LM0710";
    /** A reference (targetRef, server, authentication ref) to nothing. */
    public static final String UNKNOWN_REFERENCE = "LM0711";
    /** A policy that selects no workload (a warning). */
    public static final String SELECTS_NOTHING = "LM0712";
    /** A DestinationRule tls mode that contradicts the server's PeerAuthentication (istioctl analyze IST0113 MTLSPolicyConflict). */
    public static final String MTLS_CONFLICT = "LM0713";
    /** A field that only works where mTLS or a JWT gives it meaning (principals on a plaintext-only workload …): a warning. */
    public static final String NEEDS_MTLS = "LM0714";
    /** Two settings that should not both be present (two mesh-wide PeerAuthentications): the older wins, a warning. */
    public static final String SHADOWED = "LM0715";

    private SecurityCodes() {
    }
}
