package dev.loopmesh.policy.authn;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** A JSON Web Key Set with the RSA and P-256 EC keys Loopmesh verifies (RS256, ES256). */
public record Jwks(List<Key> keys, String json) {
    static final JsonMapper JSON = JsonMapper.builder().build();

    /** One key: {@code kid} and {@code alg} may be "" when the set does not say. */
    public record Key(String kid, String alg, String kty, PublicKey publicKey) {
    }

    public Jwks {
        keys = List.copyOf(keys);
    }

    /** Parses a JWKS document; throws IllegalArgumentException saying what is wrong. */
    public static Jwks parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the JWKS is not JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.has("keys") || !root.get("keys").isArray()) {
            throw new IllegalArgumentException("the JWKS has no `keys` array (expected: {\"keys\": [ … ]})");
        }
        List<Key> keys = new ArrayList<>();
        int i = 0;
        for (JsonNode k : root.get("keys")) {
            String kty = text(k, "kty");
            try {
                if (kty.equals("RSA")) {
                    keys.add(new Key(text(k, "kid"), text(k, "alg"), kty, KeyFactory.getInstance("RSA")
                            .generatePublic(new RSAPublicKeySpec(big(k, "n"), big(k, "e")))));
                } else if (kty.equals("EC")) {
                    if (!text(k, "crv").equals("P-256")) {
                        throw new IllegalArgumentException("keys[" + i + "]: curve `" + text(k, "crv") + "` (expected: P-256)");
                    }
                    keys.add(new Key(text(k, "kid"), text(k, "alg"), kty, KeyFactory.getInstance("EC")
                            .generatePublic(new ECPublicKeySpec(new ECPoint(big(k, "x"), big(k, "y")), p256()))));
                } else {
                    throw new IllegalArgumentException("keys[" + i + "]: kty `" + kty + "` (expected: RSA or EC)");
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("keys[" + i + "]: not a valid " + kty + " key: " + e.getMessage());
            }
            i++;
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("the JWKS has no keys");
        }
        return new Jwks(keys, json);
    }

    static ECParameterSpec p256() throws GeneralSecurityException {
        AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec("secp256r1"));
        return p.getParameterSpec(ECParameterSpec.class);
    }

    private static String text(JsonNode k, String field) {
        JsonNode v = k.get(field);
        return v == null || v.isNull() ? "" : v.asString();
    }

    private static BigInteger big(JsonNode k, String field) {
        String v = text(k, field);
        if (v.isEmpty()) {
            throw new IllegalArgumentException("a " + text(k, "kty") + " key without `" + field + "`");
        }
        return new BigInteger(1, Base64.getUrlDecoder().decode(v));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
