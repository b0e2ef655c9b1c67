package dev.loopmesh.security;

import dev.loopmesh.ca.FakeClock;
import dev.loopmesh.policy.authn.InboundMtls;
import dev.loopmesh.policy.authn.JwtIssuer;
import dev.loopmesh.policy.authz.PathNormalization;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InboundGuardTest {
    final FakeClock clock = new FakeClock(Instant.parse("2030-01-01T00:00:00Z"));
    final JwtIssuer issuer = JwtIssuer.generate("testing@secure.istio.io", "ES256");

    InboundSecurity jwt(String audiences) {
        SecurityConfig c = SecurityBinder.bind(Yaml.resources("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: jwt, namespace: default}
                spec:
                  jwtRules:
                  - issuer: testing@secure.istio.io
                    audiences: [%s]
                    jwks: '%s'
                """.formatted(audiences, issuer.jwks())));
        assertThat(c.problems()).isEmpty();
        return new InboundSecurity(InboundMtls.DEFAULT, List.of(), c.requestAuthentications().get(0).rules(), null,
                PathNormalization.BASE, "cluster.local");
    }

    InboundGuard.Verdict check(InboundSecurity sec, String uri, String token, String peer) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        try {
            req.headers().set("host", "httpbin.foo:8000").set("authorization", "Bearer " + token);
            return new InboundGuard(clock).check(req, sec, peer, "127.0.0.1", "127.0.0.2", "foo", Map.of("app", "httpbin"), 8000);
        } finally {
            req.release();
        }
    }

    @Test
    void anInvalidTokenIs401WithEnvoysBearerChallenge() {
        // Envoy jwt_authn filter.cc: www-authenticate: Bearer realm="<scheme>://<host><path>", error="invalid_token"
        InboundGuard.Verdict v = check(jwt(""), "/headers?x=1", "garbage", "");
        assertThat(v.status()).isEqualTo(401);
        assertThat(v.body()).isEqualTo("Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections");
        assertThat(v.headers()).containsExactly(Map.entry("www-authenticate",
                "Bearer realm=\"http://httpbin.foo:8000/headers?x=1\", error=\"invalid_token\""));
        // over mTLS the downstream scheme is https
        assertThat(check(jwt(""), "/ip", "garbage", "spiffe://cluster.local/ns/foo/sa/sleep").headers().get(0).getValue())
                .startsWith("Bearer realm=\"https://httpbin.foo:8000/ip\"");
    }

    @Test
    void aTokenForAnotherAudienceIs403AsEnvoyAnswersJwtAudienceNotAllowed() {
        String token = issuer.mint(Map.of("sub", "alice", "aud", "other", "exp", clock.instant().plusSeconds(60).getEpochSecond()));
        InboundGuard.Verdict v = check(jwt("httpbin"), "/", token, "");
        assertThat(v.status()).isEqualTo(403);
        assertThat(v.body()).isEqualTo("Audiences in Jwt are not allowed");
        assertThat(v.headers().get(0).getValue()).endsWith(", error=\"invalid_token\"");
    }

    @Test
    void theRealmPathIsCutAt256Characters() {
        String longPath = "/" + "a".repeat(400);
        String realm = check(jwt(""), longPath, "garbage", "").headers().get(0).getValue();
        assertThat(realm).isEqualTo("Bearer realm=\"http://httpbin.foo:8000" + longPath.substring(0, 256) + "\", error=\"invalid_token\"");
    }
}
