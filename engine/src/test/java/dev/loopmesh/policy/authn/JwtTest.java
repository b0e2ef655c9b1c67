package dev.loopmesh.policy.authn;

import dev.loopmesh.ca.FakeClock;
import dev.loopmesh.policy.authz.Authorizer;
import dev.loopmesh.policy.authz.AuthzRequest;
import dev.loopmesh.security.SecurityBinder;
import dev.loopmesh.security.SecurityConfig;
import dev.loopmesh.security.Yaml;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JwtTest {
    static final String ISS = "testing@secure.istio.io";
    final FakeClock clock = new FakeClock(Instant.parse("2030-01-01T00:00:00Z"));
    final JwtIssuer es = JwtIssuer.generate(ISS, "ES256");
    final JwtIssuer rs = JwtIssuer.generate(ISS, "RS256");

    SecurityConfig config(String jwks, String extra) {
        SecurityConfig c = SecurityBinder.bind(Yaml.resources("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: jwt, namespace: default}
                spec:
                  selector: {matchLabels: {app: productpage}}
                  jwtRules:
                  - issuer: testing@secure.istio.io
                    jwks: '%s'
                %s""".formatted(jwks, extra)));
        assertThat(c.problems()).isEmpty();
        return c;
    }

    JwtAuthenticator auth(SecurityConfig c) {
        return new JwtAuthenticator(c.requestAuthentications().get(0).rules(), clock);
    }

    static Map<String, List<String>> bearer(String token) {
        return Map.of("authorization", List.of("Bearer " + token));
    }

    Map<String, Object> claims(String sub, Duration ttl) {
        return Map.of("sub", sub, "exp", clock.instant().plus(ttl).getEpochSecond(), "groups", List.of("group1", "group2"));
    }

    @Test
    void es256AndRs256TokensVerifyAndGiveIssSlashSubAsRequestPrincipal() {
        // Istio: request.auth.principal is "<iss>/<sub>" of a verified JWT
        for (JwtIssuer issuer : List.of(es, rs)) {
            JwtAuthenticator.Result r = auth(config(issuer.jwks(), "")).authenticate(bearer(issuer.mint(claims("alice", Duration.ofHours(1)))), Map.of());
            assertThat(r.outcome()).isEqualTo(JwtAuthenticator.Outcome.VERIFIED);
            assertThat(r.auth().principal()).isEqualTo(ISS + "/alice");
            // forwardOriginalToken defaults to false: the token is removed before the app
            assertThat(r.removeHeaders()).containsExactly("authorization");
        }
    }

    @Test
    void aMissingTokenLeavesTheRequestWithoutIdentity() {
        // Istio RequestAuthentication: "requests without a token are accepted, but have no authenticated identity"
        JwtAuthenticator.Result r = auth(config(es.jwks(), "")).authenticate(Map.of(), Map.of());
        assertThat(r.outcome()).isEqualTo(JwtAuthenticator.Outcome.NO_TOKEN);
        assertThat(r.auth()).isNull();
    }

    @Test
    void invalidTokensAreRejectedWithEnvoysMessages() {
        // Envoy jwt_authn: an invalid token is a 401 with jwt_verify_lib's status message
        JwtAuthenticator a = auth(config(es.jwks(), ""));
        assertThat(a.authenticate(bearer("not-a-jwt"), Map.of()).message())
                .isEqualTo("Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections");
        assertThat(a.authenticate(bearer(es.mint(claims("a", Duration.ofMinutes(-5)))), Map.of()).message()).isEqualTo("Jwt is expired");
        assertThat(a.authenticate(bearer(JwtIssuer.generate("other", "ES256").mint(claims("a", Duration.ofHours(1)))), Map.of()).message())
                .isEqualTo("Jwt issuer is not configured");
        JwtIssuer forger = new JwtIssuer(ISS, "ES256", JwtIssuer.thumbprint(es.keys()), JwtIssuer.generate(ISS, "ES256").keys());
        assertThat(a.authenticate(bearer(forger.mint(claims("a", Duration.ofHours(1)))), Map.of()).message())
                .isEqualTo("Jwt verification fails");
        // a minute of clock skew is tolerated, as Envoy's default
        assertThat(a.authenticate(bearer(es.mint(claims("a", Duration.ofSeconds(-30)))), Map.of()).outcome())
                .isEqualTo(JwtAuthenticator.Outcome.VERIFIED);
    }

    @Test
    void audiencesHeadersParamsAndClaimOutputFollowTheRule() {
        JwtAuthenticator a = auth(config(es.jwks(), """
                    audiences: [bookinfo]
                    fromHeaders: [{name: x-jwt-assertion}]
                    fromParams: [token]
                    outputClaimToHeaders: [{header: x-groups, claim: groups}]
                    forwardOriginalToken: true
                """));
        String wrongAud = es.mint(Map.of("sub", "a", "aud", "other"));
        assertThat(a.authenticate(Map.of("x-jwt-assertion", List.of(wrongAud)), Map.of()).message()).isEqualTo("Audiences in Jwt are not allowed");
        String ok = es.mint(Map.of("sub", "a", "aud", List.of("x", "bookinfo"), "groups", List.of("g1", "g2")));
        JwtAuthenticator.Result r = a.authenticate(Map.of("x-jwt-assertion", List.of(ok)), Map.of());
        assertThat(r.setHeaders()).containsEntry("x-groups", "g1,g2");
        assertThat(r.removeHeaders()).isEmpty();
        assertThat(a.authenticate(Map.of(), Map.of("token", List.of(ok))).outcome()).isEqualTo(JwtAuthenticator.Outcome.VERIFIED);
        // the default Authorization header is not read once fromHeaders is set
        assertThat(a.authenticate(bearer(ok), Map.of()).outcome()).isEqualTo(JwtAuthenticator.Outcome.NO_TOKEN);
    }

    @Test
    void claimsAreUsableInAuthorizationPolicies() {
        // Istio: when request.auth.claims[groups] matches any value of a list claim
        String token = es.mint(claims("alice", Duration.ofHours(1)));
        JwtAuthenticator.Result r = auth(config(es.jwks(), "")).authenticate(bearer(token), Map.of());
        SecurityConfig authz = SecurityBinder.bind(Yaml.resources("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: require-jwt, namespace: default}
                spec:
                  rules:
                  - from: [{source: {requestPrincipals: ["testing@secure.istio.io/*"]}}]
                    when: [{key: "request.auth.claims[groups]", values: [group1]}]
                """));
        AuthzRequest with = new AuthzRequest("", "127.0.0.1", "", "h", 9080, "", "GET", "/", Map.of(), r.auth(), "", false);
        AuthzRequest without = new AuthzRequest("", "127.0.0.1", "", "h", 9080, "", "GET", "/", Map.of(), null, "", false);
        assertThat(Authorizer.evaluate(authz.authorizationPolicies(), with).allowed()).isTrue();
        assertThat(Authorizer.evaluate(authz.authorizationPolicies(), without).allowed()).isFalse();
    }

    @Test
    void badJwksAndNetworkJwksUrisAreValidationErrors() {
        var p = SecurityBinder.bind(Yaml.resources("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: jwt, namespace: default}
                spec:
                  jwtRules:
                  - {issuer: a, jwks: '{"keys": 3}'}
                  - {issuer: b, jwksUri: "https://example.com/jwks.json"}
                  - {jwks: '{"keys":[]}'}
                """)).problems();
        assertThat(p.toString()).contains("LM0709", "has no `keys` array", "never fetches keys from the network", "missing `issuer`");
    }
}
