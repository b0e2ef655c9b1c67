package dev.loopmesh.dataplane;

import dev.loopmesh.policy.resilience.FaultPolicy;
import dev.loopmesh.policy.resilience.RetryPolicy;
import dev.loopmesh.policy.routing.RoutingDecision;
import dev.loopmesh.telemetry.tracing.Tracer;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The request side of an exchange, before anything goes upstream, in Envoy's filter order: the
 * request's headers, then (inbound and gateway) jwt_authn, ext_authz and RBAC, the local rate limit
 * (inbound), the route, CORS and fault injection. A request that passes goes on to
 * {@link ProxyExchange#beginUpstream}; one that stops is answered by a local reply.
 */
final class RequestFilters {
    private RequestFilters() {
    }

    static void route(ProxyExchange x) {
        HttpHeaders h = x.request.headers();
        prepareRequestHeaders(x, h);
        x.grpc = Grpc.isGrpcRequest(h);
        x.authority = h.get(HttpHeaderNames.HOST, "");
        Tracer tracer = x.proxy.tracer();
        if (x.mode == ListenerMode.OUTBOUND) {
            x.parentSpan = tracer.incoming(h::get);
        } else {
            x.serverSpan = tracer.serverSpan(h::get);
            x.parentSpan = x.serverSpan;
        }
        if (x.mode == ListenerMode.INBOUND) {
            x.decision = x.proxy.inboundDecision();
            x.cluster = x.proxy.inboundCluster();
            String tls = dev.loopmesh.security.MeshTls.summary(x.down.channel());
            if (tls != null) {
                x.timeline.add(x.startNanos, tls);
            }
        }
        // Istio's filters before the router, on a sidecar's inbound and on the gateway: jwt_authn, ext_authz, RBAC
        if (x.mode != ListenerMode.OUTBOUND && x.proxy.security() != null && guardStopped(x)) {
            return;
        }
        afterFilters(x);
    }

    /** The rest of the request once the security filters let it through: rate limit, route, fault, upstream. */
    private static void afterFilters(ProxyExchange x) {
        if (x.mode == ListenerMode.INBOUND) {
            // the local rate limit is inserted after RBAC, before the router
            var limiter = x.proxy.rateLimiter();
            if (limiter != null) {
                var verdict = limiter.check(x.peerId.isEmpty() ? null : dev.loopmesh.ca.SpiffeId.namespace(x.peerId) + "/"
                        + dev.loopmesh.ca.SpiffeId.serviceAccount(x.peerId), System.nanoTime());
                if (!verdict.allowed()) {
                    // Envoy's local_ratelimit filter: 429, flag RL, x-local-rate-limit: true
                    x.flags.add(ResponseFlag.RL);
                    x.timeline.add(System.nanoTime(), "local rate limit (" + limiter.config().source() + "): " + verdict);
                    x.proxy.telemetry().metrics().proxyCounters().rateLimited(x.proxy.identity().proxy());
                    DownstreamResponse.respondLocal(x, 429, "local_rate_limited", false);
                    return;
                }
            }
        } else {
            x.view = x.proxy.requestView(x.request, x.down.channel());
            x.decision = x.snapshot.routes().route(x.view, x.proxy.random());
            x.cluster = x.decision.outcome() == RoutingDecision.Outcome.ROUTE ? x.proxy.cluster(x.decision.cluster())
                    : x.decision.outcome() == RoutingDecision.Outcome.PASSTHROUGH ? x.proxy.passthrough(x.view.authority()) : null;
        }
        RoutingDecision decision = x.decision;
        for (String t : decision.trace()) {
            x.timeline.add(x.startNanos, t);
        }
        switch (decision.outcome()) {
            case NO_ROUTE:
                x.flags.add(ResponseFlag.NR);
                DownstreamResponse.respondLocal(x, 404, "", false);
                return;
            case BLACKHOLE:
                DownstreamResponse.respondLocal(x, 502, "", false);
                return;
            case DIRECT_RESPONSE:
                DownstreamResponse.respondLocal(x, decision.status(), decision.body(), false);
                return;
            case REDIRECT:
                DownstreamResponse.respondRedirect(x);
                return;
            case PASSTHROUGH:
            case ROUTE:
            default:
                break;
        }
        if (x.cluster == null && decision.outcome() == RoutingDecision.Outcome.PASSTHROUGH) {
            DownstreamResponse.respondLocal(x, 502, "passthrough refused: " + x.view.authority()
                    + " is not on loopback (Loopmesh never sends traffic off this machine)", false);
            return;
        }
        if (x.cluster == null) {
            x.flags.add(ResponseFlag.NC);
            DownstreamResponse.respondLocal(x, decision.clusterNotFoundStatus(), "no cluster " + decision.cluster(), false);
            return;
        }
        x.corsOrigin = Cors.allowedOrigin(decision.cors(), x.request);
        if (x.corsOrigin != null && Cors.isPreflight(x.request)) {
            x.timeline.add(System.nanoTime(), "CORS preflight from " + x.corsOrigin + " answered by the proxy");
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            Cors.preflightHeaders(decision.cors(), x.corsOrigin, res.headers());
            DownstreamResponse.write(x, res);
            return;
        }
        FaultPolicy fault = decision.fault();
        if (fault != null) {
            x.retry = RetryPolicy.NONE;
            applyFault(x, fault);
            return;
        }
        x.retry = x.mode == ListenerMode.INBOUND ? RetryPolicy.NONE : decision.retry();
        x.beginUpstream();
    }

    /**
     * JWT, ext_authz and RBAC (InboundGuard); true when the request stops here: answered, or waiting for an
     * ext_authz provider, after whose answer it goes on in {@link #afterFilters}.
     */
    private static boolean guardStopped(ProxyExchange x) {
        x.peerId = dev.loopmesh.security.MeshTls.peerId(x.down.channel());
        dev.loopmesh.security.InboundGuard.Verdict v = x.proxy.security().check(x.request, x.snapshot.inbound(), x.down.channel());
        long now = System.nanoTime();
        v.trace().forEach(t -> x.timeline.add(now, t));
        if (v.ext() != null) {
            askExtAuthz(x, v.ext());
            return true;
        }
        return denied(x, v);
    }

    private static boolean denied(ProxyExchange x, dev.loopmesh.security.InboundGuard.Verdict v) {
        if (!v.denied()) {
            return false;
        }
        if (v.rbac()) {
            x.flags.add(ResponseFlag.RBAC);
        }
        DownstreamResponse.respondLocal(x, v.status(), v.body(), false, v.headers());
        return true;
    }

    /** Envoy's ext_authz filter: the request waits (on this loop) for the provider's answer. */
    private static void askExtAuthz(ProxyExchange x, dev.loopmesh.security.InboundGuard.ExtCheck check) {
        if (check.provider() == null) {
            // a provider of another kind (gRPC) or none: the check cannot be made, so it failed
            extAuthzFailed(x, 403, false, "provider " + check.providerName() + " is not an envoyExtAuthzHttp provider");
            return;
        }
        ExtAuthzCall.check(x.proxy, x.down.channel().eventLoop(), check.provider(), x.request).addListener(f -> {
            if (x.finished) {
                return;
            }
            try {
                ExtAuthzCall.Outcome o = (ExtAuthzCall.Outcome) f.getNow();
                x.timeline.add(System.nanoTime(), "ext_authz " + check.providerName() + ": " + o.detail());
                switch (o.kind()) {
                    case ALLOWED:
                        o.headers().forEach(h -> x.request.headers().set(h.getKey(), h.getValue()));
                        x.extAuthzResponseHeaders = o.downstreamOnAllow();
                        continueAfterExtAuthz(x, check);
                        break;
                    case DENIED:
                        x.flags.add(ResponseFlag.UAEX);
                        DownstreamResponse.respondLocal(x, o.status(), o.body(), false, o.headers());
                        break;
                    case FAILED:
                    default:
                        extAuthzFailed(x, check.provider().statusOnError(), check.provider().failOpen(), o.detail());
                        if (check.provider().failOpen() && !x.finished) {
                            continueAfterExtAuthz(x, check);
                        }
                        break;
                }
            } catch (RuntimeException e) {
                if (!x.finished) {
                    x.timeline.add(System.nanoTime(), "internal error: " + e);
                    DownstreamResponse.respondLocal(x, 500, "internal error", false);
                }
            }
        });
    }

    private static void extAuthzFailed(ProxyExchange x, int status, boolean failOpen, String detail) {
        if (failOpen) {
            x.timeline.add(System.nanoTime(), "ext_authz failed (" + detail + "): failOpen lets the request through");
            return;
        }
        // the filter's status_on_error, flagged UAEX as any request ext_authz stops
        x.timeline.add(System.nanoTime(), "ext_authz failed (" + detail + "): " + status);
        x.flags.add(ResponseFlag.UAEX);
        DownstreamResponse.respondLocal(x, status, "", false);
    }

    private static void continueAfterExtAuthz(ProxyExchange x, dev.loopmesh.security.InboundGuard.ExtCheck check) {
        dev.loopmesh.security.InboundGuard.Verdict v = check.resume(true);
        long now = System.nanoTime();
        v.trace().forEach(t -> x.timeline.add(now, t));
        if (!denied(x, v)) {
            afterFilters(x);
        }
    }

    private static void applyFault(ProxyExchange x, FaultPolicy fault) {
        if (fault.hasDelay() && x.roll(fault.delayPercent())) {
            x.flags.add(ResponseFlag.DI);
            x.timeline.add(System.nanoTime(), "fault: delay " + fault.delay().toMillis() + "ms injected");
            x.down.executor().schedule(() -> {
                if (!x.finished) {
                    afterDelay(x, fault);
                }
            }, x.proxy.timeScale().scaleNanos(fault.delay()), TimeUnit.NANOSECONDS);
            return;
        }
        afterDelay(x, fault);
    }

    private static void afterDelay(ProxyExchange x, FaultPolicy fault) {
        if (fault.hasAbort() && x.roll(fault.abortPercent())) {
            x.flags.add(ResponseFlag.FI);
            x.timeline.add(System.nanoTime(), "fault: abort " + (fault.abortStatus() > 0 ? fault.abortStatus() : "grpc " + fault.abortGrpcStatus()) + " injected");
            if (fault.abortStatus() > 0) {
                DownstreamResponse.respondLocal(x, fault.abortStatus(), "fault filter abort", false);
            } else {
                // Envoy's fault filter answers a gRPC abort trailers-only: HTTP 200 with grpc-status
                DownstreamResponse.write(x, LocalReply.grpc(Grpc.code(fault.abortGrpcStatus()), "fault filter abort"));
            }
            return;
        }
        x.beginUpstream();
    }

    private static void prepareRequestHeaders(ProxyExchange x, HttpHeaders h) {
        if (x.mode == ListenerMode.GATEWAY) {
            // Envoy strips internal-only headers from requests that come from outside the mesh
            List<String> internal = new ArrayList<>();
            for (var e : h) {
                String n = e.getKey().toLowerCase(java.util.Locale.ROOT);
                if (n.startsWith("x-envoy-") || n.equals(ProxyExchange.FLAGS_HEADER)) {
                    internal.add(e.getKey());
                }
            }
            internal.forEach(h::remove);
            String peer = x.proxy.sourceIp(x.down.channel());
            String xff = h.get("x-forwarded-for");
            h.set("x-forwarded-for", xff == null ? peer : xff + ", " + peer);
            h.set("x-forwarded-proto", "http");
        }
        if (x.mode == ListenerMode.INBOUND) {
            x.sourceWorkload = h.get(Proxy.PEER_WORKLOAD_HEADER);
            x.sourceNamespace = h.get(Proxy.PEER_NAMESPACE_HEADER);
            h.remove(Proxy.PEER_WORKLOAD_HEADER);
            h.remove(Proxy.PEER_NAMESPACE_HEADER);
        }
        if (!h.contains("x-request-id")) {
            h.set("x-request-id", x.proxy.newRequestId());
        }
    }
}
