package dev.loopmesh.dataplane;

import dev.loopmesh.policy.routing.CorsPolicy;
import dev.loopmesh.policy.routing.StringMatch;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

/**
 * Envoy's CORS filter for a route's {@code corsPolicy}: a preflight from an allowed origin is answered
 * by the proxy; a simple request from an allowed origin gets the allow headers on its response. A
 * request from another origin passes untouched (the browser enforces the policy).
 */
final class Cors {
    private Cors() {
    }

    /** The allowed origin of the request, or null when the policy does not allow it (or there is none). */
    static String allowedOrigin(CorsPolicy policy, FullHttpRequest req) {
        if (policy == null) {
            return null;
        }
        String origin = req.headers().get("origin");
        if (origin == null) {
            return null;
        }
        for (StringMatch m : policy.allowOrigins()) {
            if (m.matches(origin)) {
                return origin;
            }
        }
        return null;
    }

    static boolean isPreflight(FullHttpRequest req) {
        return req.method().equals(HttpMethod.OPTIONS) && req.headers().contains("access-control-request-method");
    }

    static void preflightHeaders(CorsPolicy p, String origin, HttpHeaders h) {
        h.set("access-control-allow-origin", origin);
        if (!p.allowMethods().isEmpty()) {
            h.set("access-control-allow-methods", String.join(",", p.allowMethods()));
        }
        if (!p.allowHeaders().isEmpty()) {
            h.set("access-control-allow-headers", String.join(",", p.allowHeaders()));
        }
        if (p.maxAge() != null) {
            h.set("access-control-max-age", p.maxAge().toSeconds());
        }
        if (Boolean.TRUE.equals(p.allowCredentials())) {
            h.set("access-control-allow-credentials", "true");
        }
    }

    static void responseHeaders(CorsPolicy p, String origin, HttpHeaders h) {
        h.set("access-control-allow-origin", origin);
        if (!p.exposeHeaders().isEmpty()) {
            h.set("access-control-expose-headers", String.join(",", p.exposeHeaders()));
        }
        if (Boolean.TRUE.equals(p.allowCredentials())) {
            h.set("access-control-allow-credentials", "true");
        }
    }
}
