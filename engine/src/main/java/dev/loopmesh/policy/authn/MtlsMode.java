package dev.loopmesh.policy.authn;

/** PeerAuthentication's mutual TLS modes. UNSET inherits from the parent scope; the mesh default is PERMISSIVE. */
public enum MtlsMode {
    UNSET, DISABLE, PERMISSIVE, STRICT;

    /** Whether plaintext connections are accepted. */
    public boolean acceptsPlaintext() {
        return this != STRICT;
    }

    /** Whether mTLS connections are accepted (a DISABLE server has no TLS filter chain). */
    public boolean acceptsMtls() {
        return this != DISABLE;
    }
}
