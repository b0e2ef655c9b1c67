package dev.loopmesh.policy.authn;

import dev.loopmesh.policy.authz.RequestAuth;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Envoy's jwt_authn filter as Istio configures it from the RequestAuthentications of a workload: a
 * request without a token passes with no identity; a token is taken from the rules' locations, matched
 * to a rule by its {@code iss}, verified (RS256, ES256), its {@code exp}/{@code nbf} checked with Envoy's
 * 60 s clock skew and its {@code aud} against the rule's audiences; any failure is a 401 with Envoy's
 * message. On success the claims become {@code request.auth.*}, {@code outputClaimToHeaders} are set,
 * and the token is removed from the request unless {@code forwardOriginalToken}.
 */
public final class JwtAuthenticator {
    static final long CLOCK_SKEW_SECONDS = 60;

    private final List<JwtRule> rules;
    private final Clock clock;

    /** The outcome for one request. */
    public record Result(Outcome outcome, RequestAuth auth, JwtFailure failure, Map<String, String> setHeaders,
                         List<String> removeHeaders) {
        public Result {
            setHeaders = Map.copyOf(setHeaders);
            removeHeaders = List.copyOf(removeHeaders);
        }

        public String message() {
            return failure == null ? "" : failure.message();
        }
    }

    public enum Outcome { NO_TOKEN, VERIFIED, REJECTED }

    public JwtAuthenticator(List<JwtRule> rules, Clock clock) {
        this.rules = List.copyOf(rules);
        this.clock = requireNonNull(clock, "clock");
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /**
     * @param headers lower-case header names
     * @param query   the request's query parameters
     */
    public Result authenticate(Map<String, List<String>> headers, Map<String, List<String>> query) {
        if (rules.isEmpty()) {
            return new Result(Outcome.NO_TOKEN, null, null, Map.of(), List.of());
        }
        for (JwtRule rule : rules) {
            for (JwtRule.HeaderLocation h : rule.headers()) {
                for (String v : headers.getOrDefault(h.name().toLowerCase(java.util.Locale.ROOT), List.of())) {
                    if (v.startsWith(h.prefix())) {
                        return verify(v.substring(h.prefix().length()).trim(), h.name());
                    }
                }
            }
            for (String p : rule.params()) {
                List<String> vs = query.getOrDefault(p, List.of());
                if (!vs.isEmpty()) {
                    return verify(vs.get(0), null);
                }
            }
        }
        return new Result(Outcome.NO_TOKEN, null, null, Map.of(), List.of());
    }

    private Result fail(JwtFailure f) {
        return new Result(Outcome.REJECTED, null, f, Map.of(), List.of());
    }

    /** Verifies a token found in {@code header} (null: in a query parameter). */
    Result verify(String token, String header) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return fail(JwtFailure.BAD_FORMAT);
        }
        JsonNode head;
        JsonNode payload;
        byte[] signature;
        try {
            head = Jwks.JSON.readTree(decode(parts[0]));
        } catch (IllegalArgumentException e) {
            return fail(JwtFailure.HEADER_BAD_BASE64);
        } catch (RuntimeException e) {
            return fail(JwtFailure.HEADER_BAD_JSON);
        }
        try {
            payload = Jwks.JSON.readTree(decode(parts[1]));
        } catch (IllegalArgumentException e) {
            return fail(JwtFailure.PAYLOAD_BAD_BASE64);
        } catch (RuntimeException e) {
            return fail(JwtFailure.PAYLOAD_BAD_JSON);
        }
        if (head == null || !head.isObject()) {
            return fail(JwtFailure.HEADER_BAD_JSON);
        }
        if (payload == null || !payload.isObject()) {
            return fail(JwtFailure.PAYLOAD_BAD_JSON);
        }
        try {
            signature = decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return fail(JwtFailure.SIGNATURE_BAD_BASE64);
        }
        String alg = head.has("alg") ? head.get("alg").asString() : "";
        if (!alg.equals("RS256") && !alg.equals("ES256")) {
            return fail(JwtFailure.HEADER_BAD_ALG);
        }
        String iss = payload.has("iss") ? payload.get("iss").asString() : "";
        JwtRule rule = rules.stream().filter(r -> r.issuer().equals(iss)).findFirst().orElse(null);
        if (rule == null) {
            return fail(JwtFailure.UNKNOWN_ISSUER);
        }
        long now = clock.instant().getEpochSecond();
        if (payload.has("exp") && payload.get("exp").isNumber() && now > payload.get("exp").asLong() + CLOCK_SKEW_SECONDS) {
            return fail(JwtFailure.EXPIRED);
        }
        if (payload.has("nbf") && payload.get("nbf").isNumber() && now + CLOCK_SKEW_SECONDS < payload.get("nbf").asLong()) {
            return fail(JwtFailure.NOT_YET_VALID);
        }
        List<String> audiences = strings(payload.get("aud"));
        if (!rule.audiences().isEmpty() && audiences.stream().noneMatch(rule.audiences()::contains)) {
            return fail(JwtFailure.AUDIENCE_NOT_ALLOWED);
        }
        String kid = head.has("kid") ? head.get("kid").asString() : "";
        String kty = alg.equals("RS256") ? "RSA" : "EC";
        boolean anyKey = false;
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        for (Jwks.Key k : rule.jwks().keys()) {
            if (!k.kty().equals(kty) || !kid.isEmpty() && !k.kid().isEmpty() && !k.kid().equals(kid)
                    || !k.alg().isEmpty() && !k.alg().equals(alg)) {
                continue;
            }
            anyKey = true;
            if (verifies(alg, k, signed, signature)) {
                return verified(rule, payload, parts[1], header, audiences);
            }
        }
        return fail(anyKey ? JwtFailure.VERIFICATION_FAILED : JwtFailure.NO_MATCHING_KEY);
    }

    private Result verified(JwtRule rule, JsonNode payload, String payloadPart, String header, List<String> audiences) {
        @SuppressWarnings("unchecked")
        Map<String, Object> claims = Jwks.JSON.convertValue(payload, LinkedHashMap.class);
        String sub = payload.has("sub") ? payload.get("sub").asString() : "";
        String azp = payload.has("azp") ? payload.get("azp").asString() : "";
        RequestAuth auth = new RequestAuth(rule.issuer() + "/" + sub, audiences, azp, claims);
        Map<String, String> set = new LinkedHashMap<>();
        for (JwtRule.ClaimToHeader c : rule.outputClaimToHeaders()) {
            List<String> v = auth.claim(List.of(c.claim().split("\\.")));
            if (!v.isEmpty()) {
                set.put(c.header(), String.join(",", v));
            }
        }
        if (!rule.outputPayloadToHeader().isEmpty()) {
            set.put(rule.outputPayloadToHeader(), payloadPart);
        }
        List<String> remove = new ArrayList<>();
        if (!rule.forwardOriginalToken() && header != null) {
            remove.add(header);
        }
        return new Result(Outcome.VERIFIED, auth, null, set, remove);
    }

    static boolean verifies(String alg, Jwks.Key k, byte[] signed, byte[] signature) {
        try {
            Signature s = Signature.getInstance(alg.equals("RS256") ? "SHA256withRSA" : "SHA256withECDSAinP1363Format");
            s.initVerify(k.publicKey());
            s.update(signed);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static byte[] decode(String part) {
        return Base64.getUrlDecoder().decode(part);
    }

    static List<String> strings(JsonNode n) {
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (n.isArray()) {
            List<String> out = new ArrayList<>();
            n.forEach(x -> out.add(x.asString()));
            return out;
        }
        return List.of(n.asString());
    }

    public Instant now() {
        return clock.instant();
    }
}
