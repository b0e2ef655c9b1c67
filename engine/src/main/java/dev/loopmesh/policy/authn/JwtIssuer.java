package dev.loopmesh.policy.authn;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A mesh-local token issuer for tests and {@code loopmesh token}: signs JWTs with its key (ES256 on P-256,
 * or RS256) and prints the JWKS a RequestAuthentication pastes in.
 */
public final class JwtIssuer {
    private final String issuer;
    private final String alg;
    private final String kid;
    private final KeyPair keys;

    public JwtIssuer(String issuer, String alg, String kid, KeyPair keys) {
        this.issuer = requireNonNull(issuer, "issuer");
        if (!alg.equals("ES256") && !alg.equals("RS256")) {
            throw new IllegalArgumentException("alg: " + alg + " (expected: ES256 or RS256)");
        }
        this.alg = alg;
        this.kid = requireNonNull(kid, "kid");
        this.keys = requireNonNull(keys, "keys");
    }

    /** A new issuer with a fresh key. */
    public static JwtIssuer generate(String issuer, String alg) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(alg.equals("RS256") ? "RSA" : "EC");
            if (alg.equals("RS256")) {
                g.initialize(2048);
            } else {
                g.initialize(new ECGenParameterSpec("secp256r1"));
            }
            KeyPair kp = g.generateKeyPair();
            return new JwtIssuer(issuer, alg, thumbprint(kp), kp);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + alg + " key: " + e.getMessage(), e);
        }
    }

    public static String thumbprint(KeyPair kp) {
        byte[] enc = kp.getPublic().getEncoded();
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(enc);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(d, 12));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String issuer() {
        return issuer;
    }

    public KeyPair keys() {
        return keys;
    }

    /** Signs {@code claims} (iss is set to this issuer unless given). */
    public String mint(Map<String, Object> claims) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("iss", issuer);
        payload.putAll(claims);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", alg);
        header.put("kid", kid);
        header.put("typ", "JWT");
        String signingInput = b64(Jwks.JSON.writeValueAsBytes(header)) + "." + b64(Jwks.JSON.writeValueAsBytes(payload));
        try {
            Signature s = Signature.getInstance(alg.equals("RS256") ? "SHA256withRSA" : "SHA256withECDSAinP1363Format");
            s.initSign(keys.getPrivate());
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
    }

    /** The JWKS with this issuer's public key. */
    public String jwks() {
        Map<String, Object> k = new LinkedHashMap<>();
        if (keys.getPublic() instanceof RSAPublicKey) {
            RSAPublicKey r = (RSAPublicKey) keys.getPublic();
            k.put("kty", "RSA");
            k.put("kid", kid);
            k.put("alg", alg);
            k.put("use", "sig");
            k.put("n", b64(unsigned(r.getModulus())));
            k.put("e", b64(unsigned(r.getPublicExponent())));
        } else {
            ECPublicKey e = (ECPublicKey) keys.getPublic();
            k.put("kty", "EC");
            k.put("kid", kid);
            k.put("alg", alg);
            k.put("use", "sig");
            k.put("crv", "P-256");
            k.put("x", b64(fixed(e.getW().getAffineX(), 32)));
            k.put("y", b64(fixed(e.getW().getAffineY(), 32)));
        }
        return Jwks.JSON.writeValueAsString(Map.of("keys", java.util.List.of(k)));
    }

    static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static byte[] unsigned(BigInteger v) {
        byte[] b = v.toByteArray();
        return b.length > 1 && b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    }

    static byte[] fixed(BigInteger v, int len) {
        byte[] b = unsigned(v);
        if (b.length == len) {
            return b;
        }
        byte[] out = new byte[len];
        System.arraycopy(b, 0, out, len - b.length, b.length);
        return out;
    }
}
