package dev.loopmesh.security;

import dev.loopmesh.ca.SpiffeId;
import dev.loopmesh.policy.authn.JwtAuthenticator;
import dev.loopmesh.policy.authz.AuthorizationPolicy;
import dev.loopmesh.policy.authz.Authorizer;
import dev.loopmesh.policy.authz.AuthzDecision;
import dev.loopmesh.policy.authz.AuthzRequest;
import dev.loopmesh.policy.authz.ExtAuthzProvider;
import dev.loopmesh.policy.authz.PathNormalization;
import dev.loopmesh.policy.authz.linkerd.LinkerdPolicy;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The inbound HTTP filters of a sidecar, in Envoy's order: path normalization (and the 400s Envoy gives
 * first), jwt_authn (401 with its message), then RBAC — Istio's AuthorizationPolicy (403 {@code RBAC:
 * access denied}), and Linkerd's Server authorization (403) when the mesh uses it. A request that passes
 * goes on with its path normalized and the JWT's header changes applied.
 */
public final class InboundGuard {
    /**
     * The verdict for one request; {@code status} 0 means go on — after asking {@code ext} when it is not null.
     *
     * @param headers response headers of a denial ({@code www-authenticate} of jwt_authn), in order
     * @param ext     a CUSTOM policy matched: the provider to ask before the request may go on, null otherwise
     */
    public record Verdict(int status, String body, boolean rbac, List<String> trace, List<Map.Entry<String, String>> headers,
                          ExtCheck ext) {
        public static final Verdict PASS = new Verdict(0, "", false, List.of());

        public Verdict {
            trace = List.copyOf(trace);
            headers = List.copyOf(headers);
        }

        public Verdict(int status, String body, boolean rbac, List<String> trace, List<Map.Entry<String, String>> headers) {
            this(status, body, rbac, trace, headers, null);
        }

        public Verdict(int status, String body, boolean rbac, List<String> trace) {
            this(status, body, rbac, trace, List.of(), null);
        }

        public boolean denied() {
            return status != 0;
        }
    }

    static final int MAX_URI_PATH = 256;

    /**
     * A request a CUSTOM policy sends to its provider (Envoy's ext_authz filter). The data plane makes the
     * call; when the provider allows, {@link #resume} runs the rest of the chain (DENY, ALLOW, Linkerd).
     *
     * @param provider the provider's settings, null when the mesh has no HTTP provider of that name (the check fails)
     */
    public record ExtCheck(String providerName, ExtAuthzProvider provider, String policy, java.util.function.Function<Boolean, Verdict> next) {
        /** The verdict of the filters after ext_authz, given what the provider answered. */
        public Verdict resume(boolean allowed) {
            return next.apply(allowed);
        }
    }

    private final Clock clock;

    public InboundGuard(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param peerId     the mTLS peer's SPIFFE id, "" for plaintext
     * @param namespace  the workload's namespace, {@code labels} its labels, {@code port} its port
     */
    public Verdict check(FullHttpRequest req, InboundSecurity sec, String peerId, String sourceIp, String destinationIp,
                         String namespace, Map<String, String> labels, int port) {
        if (sec == null || !sec.checksRequests()) {
            return Verdict.PASS;
        }
        List<String> trace = new ArrayList<>();
        PathNormalization.Rejected rejected = PathNormalization.reject(req.uri());
        if (rejected != null) {
            return new Verdict(rejected.status(), "Bad Request", false, List.of("rejected before authorization: " + rejected.reason()));
        }
        String method = req.method().name();
        if (!method.equals(method.toUpperCase(Locale.ROOT))) {
            return new Verdict(400, "Bad Request", false, List.of("rejected: method " + method + " is not upper case"));
        }
        String[] split = PathNormalization.split(req.uri());
        String path = sec.pathNormalization().normalize(split[0]);
        if (!path.equals(split[0])) {
            trace.add("path normalized (" + sec.pathNormalization() + "): " + split[0] + " → " + path);
            req.setUri(path + split[1]);
        }
        Map<String, List<String>> headers = new HashMap<>();
        for (Map.Entry<String, String> e : req.headers()) {
            headers.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(e.getValue());
        }
        dev.loopmesh.policy.authz.RequestAuth auth = null;
        if (!sec.jwtRules().isEmpty()) {
            JwtAuthenticator.Result r = new JwtAuthenticator(sec.jwtRules(), clock).authenticate(headers,
                    new QueryStringDecoder(req.uri()).parameters());
            if (r.outcome() == JwtAuthenticator.Outcome.REJECTED) {
                trace.add("jwt_authn: " + r.message());
                // Envoy's jwt_authn: 403 for a disallowed audience, else 401; always a Bearer challenge naming the URI
                int status = r.failure() == dev.loopmesh.policy.authn.JwtFailure.AUDIENCE_NOT_ALLOWED ? 403 : 401;
                return new Verdict(status, r.message(), false, trace, List.of(Map.entry("www-authenticate",
                        "Bearer realm=\"" + originalUri(req, !peerId.isEmpty()) + "\", error=\"invalid_token\"")));
            }
            if (r.outcome() == JwtAuthenticator.Outcome.VERIFIED) {
                auth = r.auth();
                trace.add("jwt_authn: verified " + auth.principal());
                r.removeHeaders().forEach(h -> req.headers().remove(h));
                r.setHeaders().forEach((k, v) -> req.headers().set(k, v));
            } else {
                trace.add("jwt_authn: no token");
            }
        }
        String principal = SpiffeId.principal(peerId);
        AuthzRequest ar = new AuthzRequest(principal, sourceIp, "", req.headers().get(HttpHeaderNames.HOST, ""), port, destinationIp,
                method, path, headers, auth, "", !peerId.isEmpty());
        AuthorizationPolicy custom = Authorizer.matchingCustom(sec.authorization(), ar);
        if (custom != null) {
            // Envoy's ext_authz filter runs before RBAC: the request waits for the provider's answer
            trace.add("ext_authz: CUSTOM policy " + custom.label() + " matches, asking provider " + custom.provider());
            return new Verdict(0, "", false, trace, List.of(), new ExtCheck(custom.provider(), sec.extAuthz().get(custom.provider()),
                    custom.label(), allowed -> rbac(sec, ar, allowed, new ArrayList<>(), namespace, labels, port, peerId, sourceIp)));
        }
        return rbac(sec, ar, true, trace, namespace, labels, port, peerId, sourceIp);
    }

    /** RBAC after ext_authz: Istio's DENY and ALLOW policies, then Linkerd's authorization. */
    private static Verdict rbac(InboundSecurity sec, AuthzRequest ar, boolean extAllowed, List<String> trace, String namespace,
                                Map<String, String> labels, int port, String peerId, String sourceIp) {
        if (!sec.authorization().isEmpty()) {
            AuthzDecision d = Authorizer.evaluate(sec.authorization(), ar, (provider, r) -> extAllowed);
            d.shadow().forEach(s -> trace.add("rbac shadow: " + s));
            trace.add("rbac: " + d.reason());
            if (!d.allowed()) {
                return new Verdict(403, "RBAC: access denied", true, trace);
            }
        }
        LinkerdPolicy l = sec.linkerd();
        if (l != null) {
            LinkerdPolicy.Decision d = l.evaluate(namespace, labels, port, peerId, sourceIp);
            trace.add("linkerd authorization: " + (d.allowed() ? "allowed" : "denied") + " by " + d.decidedBy() + (d.audit() ? " (audit)" : ""));
            if (!d.allowed()) {
                return new Verdict(403, "unauthorized request on route", true, trace);
            }
        }
        return new Verdict(0, "", false, trace);
    }

    /**
     * Envoy's {@code Http::Utility::buildOriginalUri}: scheme, host and the path as the client sent it (query
     * included), the path cut at 256 characters as jwt_authn asks. The scheme is https on a TLS connection.
     */
    static String originalUri(FullHttpRequest req, boolean tls) {
        String path = req.uri();
        if (path.startsWith("http://") || path.startsWith("https://")) {
            int slash = path.indexOf('/', path.indexOf("//") + 2);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        if (path.length() > MAX_URI_PATH) {
            path = path.substring(0, MAX_URI_PATH);
        }
        return (tls ? "https" : "http") + "://" + req.headers().get(HttpHeaderNames.HOST, "") + path;
    }
}
