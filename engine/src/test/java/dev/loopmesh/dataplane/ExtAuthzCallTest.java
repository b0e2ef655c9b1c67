package dev.loopmesh.dataplane;

import dev.loopmesh.policy.authz.ExtAuthzProvider;
import dev.loopmesh.policy.authz.StringMatcher;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Envoy's raw HTTP ext_authz client: what goes to the service, and how its answer is read. */
class ExtAuthzCallTest {
    final ExtAuthzProvider provider = new ExtAuthzProvider("p", "ext-authz.foo.svc.cluster.local", 8000, null, "/check", false, 0,
            List.of(new StringMatcher("x-ext-authz", true)), Map.of("x-origin", "mesh"), List.of(new StringMatcher("x-user-*", true)),
            List.of(), List.of(new StringMatcher("x-check-result", true)));

    @Test
    void theCheckCarriesMethodPrefixedPathHostAuthorizationAndIncludedHeadersButNoBody() {
        FullHttpRequest original = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/headers?a=1",
                Unpooled.copiedBuffer("secret body", StandardCharsets.UTF_8));
        original.headers().set("Host", "httpbin.foo:8000").set("Authorization", "Bearer t").set("X-Ext-Authz", "allow")
                .set("cookie", "c=1").set("content-length", 11);
        FullHttpRequest check = ExtAuthzCall.request(provider, original);
        try {
            assertThat(check.method()).isEqualTo(HttpMethod.POST);
            assertThat(check.uri()).isEqualTo("/check/headers?a=1");
            assertThat(check.headers().get("host")).isEqualTo("httpbin.foo:8000");
            assertThat(check.headers().get("authorization")).isEqualTo("Bearer t");
            assertThat(check.headers().get("x-ext-authz")).isEqualTo("allow");
            assertThat(check.headers().get("x-origin")).isEqualTo("mesh");
            assertThat(check.headers().contains("cookie")).isFalse();
            assertThat(check.headers().get("content-length")).isEqualTo("0");
            assertThat(check.content().readableBytes()).isZero();
        } finally {
            check.release();
            original.release();
        }
    }

    FullHttpResponse answer(int status, String body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set("x-user-id", "alice").set("x-check-result", "done").set("host", "authz").set("content-length", body.length())
                .set("connection", "keep-alive");
        return r;
    }

    @Test
    void twoHundredAllowsWithTheListedHeadersOtherStatusesDenyAndFiveHundredsFail() {
        FullHttpResponse ok = answer(200, "");
        FullHttpResponse no = answer(401, "who are you");
        FullHttpResponse broken = answer(503, "");
        try {
            ExtAuthzCall.Outcome allowed = ExtAuthzCall.outcome(provider, ok);
            assertThat(allowed.kind()).isEqualTo(ExtAuthzCall.Kind.ALLOWED);
            assertThat(allowed.headers()).containsExactly(Map.entry("x-user-id", "alice"));
            assertThat(allowed.downstreamOnAllow()).containsExactly(Map.entry("x-check-result", "done"));

            ExtAuthzCall.Outcome denied = ExtAuthzCall.outcome(provider, no);
            assertThat(denied.kind()).isEqualTo(ExtAuthzCall.Kind.DENIED);
            assertThat(denied.status()).isEqualTo(401);
            assertThat(denied.body()).isEqualTo("who are you");
            // headersToDownstreamOnDeny unset: all but Host (and what the reply recomputes)
            assertThat(denied.headers()).containsExactlyInAnyOrder(Map.entry("x-user-id", "alice"), Map.entry("x-check-result", "done"));

            // Envoy: "if the authorization service has returned a HTTP 5xx error" the check failed
            assertThat(ExtAuthzCall.outcome(provider, broken).kind()).isEqualTo(ExtAuthzCall.Kind.FAILED);
        } finally {
            ok.release();
            no.release();
            broken.release();
        }
    }
}
