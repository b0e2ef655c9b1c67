package dev.loopmesh.dataplane;

import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.policy.resilience.FaultPolicy;
import dev.loopmesh.policy.resilience.RetryPolicy;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.policy.routing.HeaderOps;
import dev.loopmesh.policy.routing.Mirror;
import dev.loopmesh.policy.routing.RoutingDecision;
import dev.loopmesh.chaos.Direction;
import dev.loopmesh.chaos.LinkFault;
import dev.loopmesh.telemetry.tracing.SpanRecord;
import dev.loopmesh.telemetry.tracing.TraceContext;
import dev.loopmesh.telemetry.tracing.Tracer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One request through one proxy: route, fault, then attempts with retries and timers, then the
 * answer. Lives on the downstream channel's event loop; every callback comes back to it.
 */
final class ProxyExchange implements UpstreamHandler.StreamListener {

    static final String FLAGS_HEADER = "x-loopmesh-response-flags";
    /** Envoy's per-connection buffer limit, which bounds the body kept for a retry or a mirror. */
    static final int REPLAY_LIMIT = 1024 * 1024;
    private static final long BACKOFF_BASE_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    private static final long BACKOFF_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final Proxy proxy;
    private final ListenerMode mode;
    private final ChannelHandlerContext down;
    /** The request; its content is the body kept (for a retry or mirror), empty once that outgrew {@link #REPLAY_LIMIT}. */
    private FullHttpRequest request;
    private final Consumer<Boolean> onDone;
    private final ProxySnapshot snapshot;
    private final long startNanos;
    private final RequestTimeline timeline;
    private final EnumSet<ResponseFlag> flags = EnumSet.noneOf(ResponseFlag.class);
    private boolean keepAlive;

    private RoutingDecision decision;
    private dev.loopmesh.policy.routing.RequestView view;
    private ClusterRuntime cluster;
    private RetryPolicy retry = RetryPolicy.NONE;
    private int attempts;
    private final List<String> tried = new ArrayList<>(2);
    private Endpoint endpoint;
    private Channel upstream;
    private Future<Channel> acquiring;
    private ScheduledFuture<?> globalTimer;
    private ScheduledFuture<?> tryTimer;
    private long upstreamStartNanos;
    private long upstreamNanos;
    private boolean finished;
    private String authority;
    private String sourceWorkload;
    private String sourceNamespace;
    private String corsOrigin;
    private LinkFault link = LinkFault.NONE;
    /** A gRPC request (content-type application/grpc): local replies are trailers-only, metrics carry its status. */
    private boolean grpc;
    /** Istio's grpc_response_status once finished; "" when not gRPC. */
    private String grpcStatus = "";
    /** Chaos slicer on the link of the current attempt, for the data coming back; null for none. */
    private LinkFault.Slicer responseSlicer;
    /** The slicer the answer is written with, when it came over a sliced link. */
    private LinkFault.Slicer writeSlicer;
    /** This request holds one of the cluster's retry slots (from a retry's back-off to the end of its attempt). */
    private boolean retrySlot;
    /** The connection pool refused the last attempt: the local reply carries x-envoy-overloaded. */
    private boolean overloaded;
    /** The current attempt still counts in the cluster's active requests (counted down exactly once). */
    private boolean attemptOpen;
    private TraceContext serverSpan;
    private TraceContext parentSpan;
    private TraceContext clientSpan;
    private long clientStartNanos;
    /** Headers an ext_authz provider's 200 asked to set on the response to the client (headersToDownstreamOnAllow). */
    private List<java.util.Map.Entry<String, String>> extAuthzResponseHeaders = List.of();
    /** The mTLS peer's SPIFFE id: the caller's inbound, the upstream's outbound; "" for plaintext. */
    private String peerId = "";
    /** The response of this attempt being collected whole, because a chaos link delays, paces, stalls or slices it. */
    private UpstreamHandler.Collecting collecting;
    /** The upstream response streams to the client: its head is written, its body follows as it arrives. */
    private boolean streaming;
    private int streamStatus;
    private HttpHeaders streamHeaders;
    private long streamedBytes;
    private boolean upstreamReusable;
    /** Reading from upstream stopped because the client reads slower than the upstream sends. */
    private boolean upstreamPaused;
    /** The whole request body is in ({@code request}'s content holds it while {@link #replayable}). */
    private boolean requestComplete;
    private long requestBytes;
    /** The request body is all kept, so a retry or a mirror can send it again. */
    private boolean replayable = true;
    /** The upstream connection the current attempt streams the request body on. */
    private Channel sendingOn;
    private boolean timeoutPending;
    private boolean mirrorsPending;

    /**
     * @param request the request; with {@code whole} false its content is the body so far, and the rest
     *                comes by {@link #requestContent}
     */
    ProxyExchange(Proxy proxy, ListenerMode mode, ChannelHandlerContext down, FullHttpRequest request, boolean whole,
                  Consumer<Boolean> onDone) {
        this.proxy = proxy;
        this.mode = mode;
        this.down = down;
        this.request = request;
        this.requestComplete = whole;
        this.requestBytes = request.content().readableBytes();
        this.onDone = onDone;
        this.snapshot = proxy.snapshot();
        this.startNanos = System.nanoTime();
        this.timeline = new RequestTimeline(startNanos);
        this.keepAlive = HttpUtil.isKeepAlive(request);
    }

    ChannelHandlerContext downstream() {
        return down;
    }

    void start() {
        proxy.started(this);
        try {
            route();
            demandBody();
        } catch (RuntimeException e) {
            // a bug must not leak the request or hang the client: answer as Envoy does for an internal error
            if (!finished) {
                timeline.add(System.nanoTime(), "internal error: " + e);
                respondLocal(500, "internal error", false);
            }
        }
    }

    private void route() {
        HttpHeaders h = request.headers();
        prepareRequestHeaders(h);
        grpc = Grpc.isGrpcRequest(h);
        authority = h.get(HttpHeaderNames.HOST, "");
        Tracer tracer = proxy.tracer();
        if (mode == ListenerMode.OUTBOUND) {
            parentSpan = tracer.incoming(h::get);
        } else {
            serverSpan = tracer.serverSpan(h::get);
            parentSpan = serverSpan;
        }
        if (mode == ListenerMode.INBOUND) {
            decision = proxy.inboundDecision();
            cluster = proxy.inboundCluster();
            String tls = dev.loopmesh.security.MeshTls.summary(down.channel());
            if (tls != null) {
                timeline.add(startNanos, tls);
            }
        }
        // Istio's filters before the router, on a sidecar's inbound and on the gateway: jwt_authn, ext_authz, RBAC
        if (mode != ListenerMode.OUTBOUND && proxy.security() != null && guardStopped()) {
            return;
        }
        afterFilters();
    }

    /** The rest of the request once the security filters let it through: rate limit, route, fault, upstream. */
    private void afterFilters() {
        if (mode == ListenerMode.INBOUND) {
            // the local rate limit is inserted after RBAC, before the router
            var limiter = proxy.rateLimiter();
            if (limiter != null) {
                var verdict = limiter.check(peerId.isEmpty() ? null : dev.loopmesh.ca.SpiffeId.namespace(peerId) + "/"
                        + dev.loopmesh.ca.SpiffeId.serviceAccount(peerId), System.nanoTime());
                if (!verdict.allowed()) {
                    // Envoy's local_ratelimit filter: 429, flag RL, x-local-rate-limit: true
                    flags.add(ResponseFlag.RL);
                    timeline.add(System.nanoTime(), "local rate limit (" + limiter.config().source() + "): " + verdict);
                    proxy.telemetry().metrics().proxyCounters().rateLimited(proxy.identity().proxy());
                    respondLocal(429, "local_rate_limited", false);
                    return;
                }
            }
        } else {
            view = proxy.requestView(request, down.channel());
            decision = snapshot.routes().route(view, proxy.random());
            cluster = decision.outcome() == RoutingDecision.Outcome.ROUTE ? proxy.cluster(decision.cluster())
                    : decision.outcome() == RoutingDecision.Outcome.PASSTHROUGH ? proxy.passthrough(view.authority()) : null;
        }
        for (String t : decision.trace()) {
            timeline.add(startNanos, t);
        }
        switch (decision.outcome()) {
            case NO_ROUTE:
                flags.add(ResponseFlag.NR);
                respondLocal(404, "", false);
                return;
            case BLACKHOLE:
                respondLocal(502, "", false);
                return;
            case DIRECT_RESPONSE:
                respondLocal(decision.status(), decision.body(), false);
                return;
            case REDIRECT:
                respondRedirect();
                return;
            case PASSTHROUGH:
            case ROUTE:
            default:
                break;
        }
        if (cluster == null && decision.outcome() == RoutingDecision.Outcome.PASSTHROUGH) {
            respondLocal(502, "passthrough refused: " + view.authority() + " is not on loopback (Loopmesh never sends traffic off this machine)", false);
            return;
        }
        if (cluster == null) {
            flags.add(ResponseFlag.NC);
            respondLocal(decision.clusterNotFoundStatus(), "no cluster " + decision.cluster(), false);
            return;
        }
        corsOrigin = Cors.allowedOrigin(decision.cors(), request);
        if (corsOrigin != null && Cors.isPreflight(request)) {
            timeline.add(System.nanoTime(), "CORS preflight from " + corsOrigin + " answered by the proxy");
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            Cors.preflightHeaders(decision.cors(), corsOrigin, res.headers());
            write(res);
            return;
        }
        FaultPolicy fault = decision.fault();
        if (fault != null) {
            retry = RetryPolicy.NONE;
            applyFault(fault);
            return;
        }
        retry = mode == ListenerMode.INBOUND ? RetryPolicy.NONE : decision.retry();
        beginUpstream();
    }

    /**
     * JWT, ext_authz and RBAC (InboundGuard); true when the request stops here: answered, or waiting for an
     * ext_authz provider, after whose answer it goes on in {@link #afterFilters}.
     */
    private boolean guardStopped() {
        peerId = dev.loopmesh.security.MeshTls.peerId(down.channel());
        dev.loopmesh.security.InboundGuard.Verdict v = proxy.security().check(request, snapshot.inbound(), down.channel());
        long now = System.nanoTime();
        v.trace().forEach(t -> timeline.add(now, t));
        if (v.ext() != null) {
            askExtAuthz(v.ext());
            return true;
        }
        return denied(v);
    }

    private boolean denied(dev.loopmesh.security.InboundGuard.Verdict v) {
        if (!v.denied()) {
            return false;
        }
        if (v.rbac()) {
            flags.add(ResponseFlag.RBAC);
        }
        respondLocal(v.status(), v.body(), false, v.headers());
        return true;
    }

    /** Envoy's ext_authz filter: the request waits (on this loop) for the provider's answer. */
    private void askExtAuthz(dev.loopmesh.security.InboundGuard.ExtCheck check) {
        if (check.provider() == null) {
            // a provider of another kind (gRPC) or none: the check cannot be made, so it failed
            extAuthzFailed(403, false, "provider " + check.providerName() + " is not an envoyExtAuthzHttp provider");
            return;
        }
        ExtAuthzCall.check(proxy, down.channel().eventLoop(), check.provider(), request).addListener(f -> {
            if (finished) {
                return;
            }
            try {
                ExtAuthzCall.Outcome o = (ExtAuthzCall.Outcome) f.getNow();
                timeline.add(System.nanoTime(), "ext_authz " + check.providerName() + ": " + o.detail());
                switch (o.kind()) {
                    case ALLOWED:
                        o.headers().forEach(h -> request.headers().set(h.getKey(), h.getValue()));
                        extAuthzResponseHeaders = o.downstreamOnAllow();
                        continueAfterExtAuthz(check);
                        break;
                    case DENIED:
                        flags.add(ResponseFlag.UAEX);
                        respondLocal(o.status(), o.body(), false, o.headers());
                        break;
                    case FAILED:
                    default:
                        extAuthzFailed(check.provider().statusOnError(), check.provider().failOpen(), o.detail());
                        if (check.provider().failOpen() && !finished) {
                            continueAfterExtAuthz(check);
                        }
                        break;
                }
            } catch (RuntimeException e) {
                if (!finished) {
                    timeline.add(System.nanoTime(), "internal error: " + e);
                    respondLocal(500, "internal error", false);
                }
            }
        });
    }

    private void extAuthzFailed(int status, boolean failOpen, String detail) {
        if (failOpen) {
            timeline.add(System.nanoTime(), "ext_authz failed (" + detail + "): failOpen lets the request through");
            return;
        }
        // the filter's status_on_error, flagged UAEX as any request ext_authz stops
        timeline.add(System.nanoTime(), "ext_authz failed (" + detail + "): " + status);
        flags.add(ResponseFlag.UAEX);
        respondLocal(status, "", false);
    }

    private void continueAfterExtAuthz(dev.loopmesh.security.InboundGuard.ExtCheck check) {
        dev.loopmesh.security.InboundGuard.Verdict v = check.resume(true);
        long now = System.nanoTime();
        v.trace().forEach(t -> timeline.add(now, t));
        if (!denied(v)) {
            afterFilters();
        }
    }

    private void applyFault(FaultPolicy fault) {
        if (fault.hasDelay() && roll(fault.delayPercent())) {
            flags.add(ResponseFlag.DI);
            timeline.add(System.nanoTime(), "fault: delay " + fault.delay().toMillis() + "ms injected");
            down.executor().schedule(() -> {
                if (!finished) {
                    afterDelay(fault);
                }
            }, proxy.timeScale().scaleNanos(fault.delay()), TimeUnit.NANOSECONDS);
            return;
        }
        afterDelay(fault);
    }

    private void afterDelay(FaultPolicy fault) {
        if (fault.hasAbort() && roll(fault.abortPercent())) {
            flags.add(ResponseFlag.FI);
            timeline.add(System.nanoTime(), "fault: abort " + (fault.abortStatus() > 0 ? fault.abortStatus() : "grpc " + fault.abortGrpcStatus()) + " injected");
            if (fault.abortStatus() > 0) {
                respondLocal(fault.abortStatus(), "fault filter abort", false);
            } else {
                // Envoy's fault filter answers a gRPC abort trailers-only: HTTP 200 with grpc-status
                write(LocalReply.grpc(Grpc.code(fault.abortGrpcStatus()), "fault filter abort"));
            }
            return;
        }
        beginUpstream();
    }

    private boolean roll(double percent) {
        return percent >= 100 || (percent > 0 && proxy.random().nextDouble() * 100 < percent);
    }

    private void beginUpstream() {
        if (requestComplete) {
            startRouteTimer();
            sendMirrors();
        } else {
            // Envoy's route timeout starts once the whole request is in; a mirror needs the whole body
            timeoutPending = true;
            mirrorsPending = !decision.mirrors().isEmpty();
        }
        attempt();
    }

    private void startRouteTimer() {
        long timeoutNanos = routeTimeoutNanos();
        if (timeoutNanos > 0) {
            globalTimer = down.executor().schedule(this::globalTimeout, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private long routeTimeoutNanos() {
        if (mode == ListenerMode.OUTBOUND) {
            String override = request.headers().get("x-envoy-upstream-rq-timeout-ms");
            if (override != null) {
                try {
                    long ms = Long.parseLong(override.trim());
                    return ms <= 0 ? 0 : proxy.timeScale().scaleNanos(TimeUnit.MILLISECONDS.toNanos(ms));
                } catch (NumberFormatException ignored) {
                    // Envoy ignores an unparsable override
                }
            }
        }
        return decision.timeout() == null || decision.timeout().isZero() ? 0 : proxy.timeScale().scaleNanos(decision.timeout());
    }

    private void attempt() {
        attempts++;
        endpoint = cluster.pick(proxy.random(), retry.retryIgnorePreviousHosts() ? tried : List.of(), view);
        if (endpoint == null) {
            flags.add(ResponseFlag.UH);
            respondLocal(503, "no healthy upstream", true);
            return;
        }
        tried.add(endpoint.hostPort());
        int n = attempts;
        Endpoint e = endpoint;
        timeline.add(System.nanoTime(), () -> "attempt " + n + " → " + e.pod() + " (" + e.hostPort() + ")");
        if (retry.perTryTimeout() != null && !retry.perTryTimeout().isZero()) {
            tryTimer = down.executor().schedule(this::perTryTimeout, proxy.timeScale().scaleNanos(retry.perTryTimeout()), TimeUnit.NANOSECONDS);
        }
        cluster.activeRequests.incrementAndGet();
        cluster.active(endpoint).incrementAndGet();
        attemptOpen = true;
        upstreamStartNanos = System.nanoTime();
        link = mode == ListenerMode.INBOUND ? LinkFault.NONE : proxy.linkFault(endpoint);
        responseSlicer = link.isNone() ? null : link.slicer(Direction.RESPONSE);
        if (!link.isNone() && applyLinkFaultBeforeSend()) {
            return;
        }
        acquire();
    }

    /**
     * Chaos on the link to the chosen endpoint, before anything is sent: a partition drops the packets
     * (the connect attempt times out), a stall holds the request, latency and bandwidth delay it.
     *
     * @return true when the attempt continues later (or never), false to send now
     */
    private boolean applyLinkFaultBeforeSend() {
        timeline.add(System.nanoTime(), "chaos on the link to " + endpoint.pod() + ": " + String.join(", ", link.chaosIds()));
        if (link.blackhole()) {
            // the connect timeout is a configured duration: --time-scale scales it like every other
            long connectTimeout = proxy.timeScale().scaleNanos(cluster.config().connectionPool().connectTimeout());
            down.executor().schedule(() -> {
                if (!finished && upstream == null) {
                    attemptFailed(ResponseFlag.UF, "connect timeout: the link is partitioned (chaos)", 0);
                }
            }, connectTimeout, TimeUnit.NANOSECONDS);
            return true;
        }
        if (link.stalled(Direction.REQUEST)) {
            long close = link.stallCloseAfterNanos(Direction.REQUEST);
            if (close >= 0) {
                down.executor().schedule(() -> {
                    if (!finished && upstream == null) {
                        attemptFailed(ResponseFlag.UC, "connection closed by a stalled link (chaos)", 0);
                    }
                }, close, TimeUnit.NANOSECONDS);
            }
            return true;
        }
        long delay = link.delayNanos(Direction.REQUEST, proxy.random());
        var pacer = link.pacer(Direction.REQUEST);
        if (pacer != null) {
            delay += pacer.reserve(request.content().readableBytes(), System.nanoTime());
        }
        if (delay > 0) {
            int attempt = attempts;
            down.executor().schedule(() -> {
                if (!finished && attempts == attempt) {
                    acquire();
                }
            }, delay, TimeUnit.NANOSECONDS);
            return true;
        }
        return false;
    }

    private void acquire() {
        acquiring = proxy.pool().acquire(down.channel().eventLoop(), endpoint, cluster);
        acquiring.addListener(f -> {
            acquiring = null;
            if (finished) {
                if (f.isSuccess()) {
                    proxy.pool().release((Channel) f.getNow(), endpoint, cluster, true);
                }
                return;
            }
            if (!f.isSuccess()) {
                Throwable c = f.cause();
                ResponseFlag flag = c instanceof UpstreamPool.PoolException ? ((UpstreamPool.PoolException) c).flag : ResponseFlag.UF;
                attemptFailed(flag, UpstreamPool.describe(c), 0);
                return;
            }
            send((Channel) f.getNow());
        });
    }

    private void send(Channel ch) {
        upstream = ch;
        if (mode != ListenerMode.INBOUND) {
            peerId = dev.loopmesh.security.MeshTls.peerId(ch);
            String tls = dev.loopmesh.security.MeshTls.summary(ch);
            if (tls != null) {
                timeline.add(System.nanoTime(), tls);
            }
        }
        String target = decision.rewritePath() != null ? decision.rewritePath() : pathOnlyTarget(request.uri());
        HttpRequest out = requestComplete
                ? new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), target, request.content().retainedDuplicate())
                : new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), target);
        out.headers().set(request.headers());
        HttpHeaders h = out.headers();
        h.remove(HttpHeaderNames.CONNECTION);
        h.remove("keep-alive");
        h.remove("proxy-connection");
        if (decision.rewriteAuthority() != null) {
            h.set(HttpHeaderNames.HOST, decision.rewriteAuthority());
        }
        applyOps(h, decision.requestHeaders());
        if (mode != ListenerMode.INBOUND) {
            h.set("x-envoy-attempt-count", attempts);
            proxy.addPeerMetadata(h);
        }
        TraceContext.HEADERS.forEach(h::remove);
        if (mode == ListenerMode.INBOUND) {
            serverSpan.inject(h::set);
        } else {
            clientSpan = proxy.tracer().clientSpan(parentSpan);
            clientStartNanos = System.nanoTime();
            clientSpan.inject(h::set);
        }
        ch.pipeline().get(UpstreamHandler.class).await(this);
        boolean reset = !link.isNone() && link.resetNow(proxy.random());
        if (!requestComplete) {
            sendStreaming(ch, out, reset);
            return;
        }
        FullHttpRequest whole = (FullHttpRequest) out;
        // the whole body is here: its length frames it, however the client framed it
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        HttpUtil.setContentLength(whole, whole.content().readableBytes());
        LinkFault.Slicer slicer = link.isNone() ? null : link.slicer(Direction.REQUEST);
        if (slicer != null) {
            timeline.add(System.nanoTime(), "request body sent in " + SlicedWriter.describe(slicer) + " (chaos)");
        }
        (slicer == null ? ch.writeAndFlush(whole) : SlicedWriter.write(ch, ch.eventLoop(), whole, slicer, proxy.random()))
                .addListener(w -> afterSent(ch, w.isSuccess(), reset));
    }

    private void afterSent(Channel ch, boolean success, boolean reset) {
        if ((!success || reset) && !finished && upstream == ch) {
            if (reset) {
                timeline.add(System.nanoTime(), "connection reset by chaos after the request was sent");
            }
            ch.close();
        }
    }

    /**
     * The head and the body so far go upstream now; the rest follows as the client sends it
     * ({@link #requestContent}). The body is kept for a retry up to {@link #REPLAY_LIMIT} bytes, as
     * Envoy's retry buffer; past that, this attempt is the only one.
     */
    private void sendStreaming(Channel ch, HttpRequest head, boolean reset) {
        if (!HttpUtil.isContentLengthSet(request)) {
            HttpUtil.setTransferEncodingChunked(head, true);
        }
        sendingOn = ch;
        ch.write(head);
        ch.writeAndFlush(new DefaultHttpContent(request.content().retainedDuplicate()))
                .addListener(w -> afterSent(ch, w.isSuccess(), reset));
        if (request.content().readableBytes() > REPLAY_LIMIT) {
            stopReplay();
        }
        demandBody();
    }

    /** More of a streaming request's body, from the client. */
    void requestContent(HttpContent c) {
        if (finished) {
            c.release();
            return;
        }
        ByteBuf data = c.content();
        int n = data.readableBytes();
        requestBytes += n;
        boolean last = c instanceof LastHttpContent;
        Channel ch = upstream;
        boolean sending = ch != null && ch == sendingOn;
        if (replayable) {
            CompositeByteBuf kept = (CompositeByteBuf) request.content();
            if (sending && kept.readableBytes() + n > REPLAY_LIMIT) {
                stopReplay();
            } else {
                kept.addComponent(true, data.retainedDuplicate());
            }
        }
        if (last) {
            requestComplete = true;
            request.trailingHeaders().set(((LastHttpContent) c).trailingHeaders());
        }
        if (sending) {
            ch.writeAndFlush(c).addListener(w -> afterSent(ch, w.isSuccess(), false));
        } else {
            c.release();
        }
        if (last) {
            requestEnded();
        } else {
            demandBody();
        }
    }

    /** The whole request is in: what waited for its end (the route timeout, mirrors) starts. */
    private void requestEnded() {
        if (timeoutPending) {
            timeoutPending = false;
            startRouteTimer();
        }
        if (mirrorsPending) {
            mirrorsPending = false;
            if (replayable) {
                sendMirrors();
            } else {
                timeline.add(System.nanoTime(), "not mirrored: the request body outgrew the " + REPLAY_LIMIT + "-byte buffer");
            }
        }
    }

    /** Reads more of the body when it can go somewhere: upstream, while it takes it, or into the buffer before the first attempt. */
    private void demandBody() {
        if (requestComplete || finished) {
            return;
        }
        Channel ch = upstream;
        if (ch != null && ch == sendingOn) {
            if (ch.isWritable()) {
                down.read();
            }
        } else if (replayable && request.content().readableBytes() < REPLAY_LIMIT) {
            down.read();
        }
    }

    @Override
    public void upstreamWritabilityChanged() {
        demandBody();
    }

    private void stopReplay() {
        replayable = false;
        // the part being written upstream holds its own reference; the rest of the buffer goes
        FullHttpRequest kept = request;
        request = kept.replace(Unpooled.EMPTY_BUFFER);
        kept.release();
        timeline.add(System.nanoTime(), "request body over the " + REPLAY_LIMIT + "-byte retry buffer: no retry or mirror can replay it");
    }

    /** The client's body turned out malformed mid-stream (a bad chunk): Envoy's 400, or a reset once the answer began. */
    void requestBodyFailed(String why) {
        if (finished) {
            return;
        }
        flags.add(ResponseFlag.DPE);
        timeline.add(System.nanoTime(), why);
        abortUpstream();
        endAttempt();
        if (streaming) {
            abortStreamedResponse();
        } else {
            respondLocal(400, why, false);
        }
    }

    /** The absolute-form target an app sends to its HTTP proxy becomes origin-form upstream. */
    private static String pathOnlyTarget(String uri) {
        if (uri.startsWith("http://")) {
            int slash = uri.indexOf('/', 7);
            return slash < 0 ? "/" : uri.substring(slash);
        }
        return uri;
    }

    /** A response collected whole (over a chaos link): delayed, paced or stalled as the link says, then answered. */
    private void onWholeResponse(FullHttpResponse response) {
        if (!link.isNone() && !finished) {
            long delay = link.delayNanos(Direction.RESPONSE, proxy.random());
            var pacer = link.pacer(Direction.RESPONSE);
            if (pacer != null) {
                delay += pacer.reserve(response.content().readableBytes(), System.nanoTime());
            }
            if (link.stalled(Direction.RESPONSE)) {
                Channel ch = upstream;
                upstream = null;
                response.release();
                if (ch != null) {
                    ch.close();
                }
                long close = link.stallCloseAfterNanos(Direction.RESPONSE);
                if (close >= 0) {
                    down.executor().schedule(() -> {
                        if (!finished) {
                            attemptFailed(ResponseFlag.UC, "connection closed by a stalled link (chaos)", 0);
                        }
                    }, close, TimeUnit.NANOSECONDS);
                }
                return;
            }
            if (delay > 0) {
                // the response is held once; when it comes back it passes as on a healthy link
                link = LinkFault.NONE;
                down.executor().schedule(() -> onWholeResponse(response), delay, TimeUnit.NANOSECONDS);
                return;
            }
        }
        Channel ch = upstream;
        upstream = null;
        upstreamNanos = System.nanoTime() - upstreamStartNanos;
        endAttempt();
        boolean reusable = HttpUtil.isKeepAlive(response) && requestComplete;
        if (finished) {
            response.release();
            proxy.pool().release(ch, endpoint, cluster, reusable);
            return;
        }
        proxy.pool().release(ch, endpoint, cluster, reusable);
        int status = response.status().code();
        finishClientSpan(status, "");
        int n = attempts;
        timeline.add(System.nanoTime(), () -> "attempt " + n + " answered " + status);
        proxy.outlier(cluster, endpoint, status, false);
        if (RetryConditions.retriable(retry, request.headers(), status, response.headers()) && canRetry()) {
            response.release();
            scheduleRetry("status " + status);
            return;
        }
        respondUpstream(response);
    }

    @Override
    public void onResponseHead(HttpResponse head) {
        if (!link.isNone() && !finished) {
            collecting = new UpstreamHandler.Collecting(new UpstreamHandler.Listener() {
                @Override
                public void onResponse(FullHttpResponse response) {
                    collecting = null;
                    onWholeResponse(response);
                }

                @Override
                public void onReset(Throwable cause) {
                    collecting = null;
                    upstreamReset(cause);
                }
            }, UpstreamPool.MAX_RESPONSE_BYTES);
            collecting.onResponseHead(head);
            return;
        }
        Channel ch = upstream;
        upstreamNanos = System.nanoTime() - upstreamStartNanos;
        if (tryTimer != null) {
            // Envoy ignores the per-try timeout once the upstream answered: the route timeout still runs
            tryTimer.cancel(false);
            tryTimer = null;
        }
        if (finished) {
            dropUpstream(ch);
            endAttempt();
            return;
        }
        int status = head.status().code();
        int n = attempts;
        timeline.add(System.nanoTime(), () -> "attempt " + n + " answered " + status);
        proxy.outlier(cluster, endpoint, status, false);
        if (RetryConditions.retriable(retry, request.headers(), status, head.headers())) {
            endAttempt();
            finishClientSpan(status, "");
            if (canRetry()) {
                // Envoy resets the upstream stream of a response it retries; on HTTP/1.1 that closes the connection
                dropUpstream(ch);
                scheduleRetry("status " + status);
                return;
            }
        }
        startStreaming(head, status);
    }

    @Override
    public void onResponseContent(HttpContent content) {
        if (collecting != null) {
            collecting.onResponseContent(content);
            return;
        }
        if (!streaming || finished) {
            content.release();
            return;
        }
        streamedBytes += content.content().readableBytes();
        if (!(content instanceof LastHttpContent)) {
            down.writeAndFlush(content);
            if (!down.channel().isWritable() && upstream != null) {
                // backpressure: the upstream waits while the client's socket buffer drains
                upstreamPaused = true;
                upstream.config().setAutoRead(false);
            }
            return;
        }
        Channel ch = upstream;
        upstream = null;
        if (upstreamPaused) {
            upstreamPaused = false;
            ch.config().setAutoRead(true);
        }
        endAttempt();
        proxy.pool().release(ch, endpoint, cluster, upstreamReusable && requestComplete);
        finishClientSpan(streamStatus, "");
        LastHttpContent last = (LastHttpContent) content;
        complete(streamStatus, streamHeaders, last.trailingHeaders(), streamedBytes);
        if (!down.channel().isActive()) {
            last.release();
            onDone.accept(false);
            return;
        }
        afterWrite(down.writeAndFlush(last));
    }

    /** The client's socket drained (or filled): the upstream of a streaming response reads again (or waits). */
    void downstreamWritabilityChanged() {
        Channel ch = upstream;
        if (upstreamPaused && ch != null && down.channel().isWritable()) {
            upstreamPaused = false;
            ch.config().setAutoRead(true);
        }
    }

    /** Writes the upstream's response head to the client; the body follows in {@link #onResponseContent}. */
    private void startStreaming(HttpResponse head, int status) {
        HttpHeaders h = head.headers();
        upstreamReusable = HttpUtil.isKeepAlive(head);
        boolean framed = HttpUtil.isContentLengthSet(head) || HttpUtil.isTransferEncodingChunked(head);
        upstreamResponseHeaders(h);
        boolean bodyless = request.method() == io.netty.handler.codec.http.HttpMethod.HEAD || status == 204 || status == 304
                || status < 200;
        if (bodyless) {
            h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        } else if (!framed) {
            if (request.protocolVersion() == HttpVersion.HTTP_1_0) {
                // an HTTP/1.0 client reads a body without length to the end of the connection
                keepAlive = false;
            } else {
                // the body's length is not known (a close-delimited or HTTP/2 upstream): chunked to the client
                HttpUtil.setTransferEncodingChunked(head, true);
            }
        }
        decorate(h);
        streaming = true;
        streamStatus = status;
        streamHeaders = h;
        head.setProtocolVersion(HttpVersion.HTTP_1_1);
        down.write(head);
    }

    /** Gives up this attempt's upstream connection mid-response: nothing more is read from it. */
    private void dropUpstream(Channel ch) {
        if (ch == null) {
            return;
        }
        if (upstream == ch) {
            upstream = null;
        }
        UpstreamHandler u = ch.pipeline().get(UpstreamHandler.class);
        if (u != null) {
            u.detach();
        }
        ch.close();
    }

    @Override
    public void onReset(Throwable cause) {
        if (collecting != null) {
            collecting.onReset(cause);
            return;
        }
        upstreamReset(cause);
    }

    private void upstreamReset(Throwable cause) {
        Channel ch = upstream;
        upstream = null;
        if (ch != null) {
            ch.close();
        }
        if (finished) {
            endAttempt();
            return;
        }
        if (streaming) {
            // the head went to the client already: nothing to retry or answer, the client's stream is reset too
            endAttempt();
            flags.add(ResponseFlag.UC);
            timeline.add(System.nanoTime(), "upstream reset mid-response: " + UpstreamPool.describe(cause));
            abortStreamedResponse();
            return;
        }
        attemptFailed(ResponseFlag.UC, "upstream reset: " + UpstreamPool.describe(cause), 0);
    }

    private void endAttempt() {
        endRetry();
        if (tryTimer != null) {
            tryTimer.cancel(false);
            tryTimer = null;
        }
        if (endpoint != null && attemptOpen) {
            attemptOpen = false;
            cluster.activeRequests.decrementAndGet();
            cluster.active(endpoint).decrementAndGet();
        }
    }

    private void attemptFailed(ResponseFlag flag, String why, int status) {
        endAttempt();
        finishClientSpan(0, flag.name());
        timeline.add(System.nanoTime(), "attempt " + attempts + " failed: " + why);
        if (flag == ResponseFlag.UO) {
            overloaded = true;
            proxy.telemetry().metrics().proxyCounters().pendingOverflow(proxy.identity().proxy(), cluster.config().name());
        } else {
            // Envoy maps a local-origin timeout to 504 and a connect failure or reset to 503
            proxy.outlier(cluster, endpoint, flag == ResponseFlag.UT ? 504 : 503, true);
        }
        if (RetryConditions.retriable(retry, flag) && canRetry()) {
            flags.remove(ResponseFlag.UT);
            scheduleRetry(why);
            return;
        }
        flags.add(flag);
        if (flag == ResponseFlag.UO) {
            respondLocal(503, "upstream connect error or disconnect/reset before headers. reset reason: overflow", true);
        } else if (flag == ResponseFlag.UT) {
            respondLocal(504, "upstream request timeout", true);
        } else {
            respondLocal(503, flag == ResponseFlag.UF ? why : "upstream connect error or disconnect/reset before headers. reset reason: connection termination", true);
        }
    }

    /**
     * Envoy's RetryStateImpl::shouldRetry for a retriable outcome: URX when this request's retries are
     * used up; UO (and {@code upstream_rq_retry_overflow}) when the cluster's retry budget or maxRetries
     * refuses, and the request ends with this attempt's outcome. A granted retry holds a slot until its
     * attempt ends.
     */
    private boolean canRetry() {
        if (!replayable) {
            timeline.add(System.nanoTime(), "not retried: the request body outgrew the " + REPLAY_LIMIT + "-byte retry buffer");
            return false;
        }
        if (attempts > retry.attempts()) {
            if (retry.attempts() > 0) {
                flags.add(ResponseFlag.URX);
            }
            return false;
        }
        String refused = cluster.tryStartRetry();
        if (refused != null) {
            flags.add(ResponseFlag.UO);
            timeline.add(System.nanoTime(), "retry not attempted (overflow): " + refused);
            proxy.telemetry().metrics().proxyCounters().retryOverflow(proxy.identity().proxy(), cluster.config().name());
            return false;
        }
        retrySlot = true;
        return true;
    }

    private void endRetry() {
        if (retrySlot) {
            retrySlot = false;
            cluster.endRetry();
        }
    }

    private void scheduleRetry(String why) {
        int k = attempts;
        long cap = Math.min(BACKOFF_MAX_NANOS, BACKOFF_BASE_NANOS << Math.min(k - 1, 10));
        long backoff = (long) (proxy.random().nextDouble() * cap);
        timeline.add(System.nanoTime(), "retry " + k + " of " + retry.attempts() + " because " + why + ", back-off " + backoff / 1_000_000 + "ms");
        proxy.telemetry().metrics().proxyCounters().retry(proxy.identity().proxy(), cluster.config().name());
        down.executor().schedule(() -> {
            if (!finished) {
                attempt();
            }
        }, proxy.timeScale().scaleNanos(backoff), TimeUnit.NANOSECONDS);
    }

    private void perTryTimeout() {
        tryTimer = null;
        if (finished) {
            return;
        }
        abortUpstream();
        attemptFailed(ResponseFlag.UT, "per-try timeout after " + retry.perTryTimeout().toMillis() + "ms", 0);
    }

    private void globalTimeout() {
        globalTimer = null;
        if (finished) {
            return;
        }
        abortUpstream();
        endAttempt();
        finishClientSpan(streaming ? streamStatus : 0, ResponseFlag.UT.name());
        flags.add(ResponseFlag.UT);
        proxy.telemetry().metrics().proxyCounters().timeout(proxy.identity().proxy(), decision.cluster());
        timeline.add(System.nanoTime(), "route timeout after " + (decision.timeout() == null ? "?" : decision.timeout().toMillis()) + "ms"
                + (streaming ? ", while the response body streamed: the client's stream is reset" : ""));
        if (streaming) {
            // Envoy's route timeout spans the whole response: past the head, the only way left to end it is a reset
            abortStreamedResponse();
            return;
        }
        respondLocal(504, "upstream request timeout", true);
    }

    private void abortUpstream() {
        if (acquiring != null) {
            acquiring.cancel(false);
        }
        Channel ch = upstream;
        upstream = null;
        if (ch != null) {
            ch.close();
        }
    }

    void downstreamClosed() {
        if (finished) {
            return;
        }
        flags.add(ResponseFlag.DC);
        abortUpstream();
        endAttempt();
        if (streaming) {
            finishClientSpan(streamStatus, ResponseFlag.DC.name());
            complete(streamStatus, streamHeaders, null, streamedBytes);
            onDone.accept(false);
            return;
        }
        finish(0, null, 0);
    }

    /** Ends a response whose head the client already has, without its end: the client sees a reset stream. */
    private void abortStreamedResponse() {
        complete(streamStatus, streamHeaders, null, streamedBytes);
        down.close();
        onDone.accept(false);
    }

    private void sendMirrors() {
        for (Mirror m : decision.mirrors()) {
            if (roll(m.percent())) {
                proxy.mirror(down.channel().eventLoop(), m, request, authority);
            }
        }
    }

    private void respondRedirect() {
        write(LocalReply.redirect(decision.status(), decision.body()));
    }

    private void respondLocal(int status, String body, boolean upstreamFailure) {
        respondLocal(status, body, upstreamFailure, List.of());
    }

    /** A local reply; {@code headers} (a filter's own, like jwt_authn's www-authenticate) are set last. */
    private void respondLocal(int status, String body, boolean upstreamFailure, List<java.util.Map.Entry<String, String>> headers) {
        FullHttpResponse res = grpc ? LocalReply.grpc(Grpc.fromHttp(status), body) : LocalReply.http(status, body);
        if (overloaded) {
            // Envoy adds it when the connection pool dropped the request, not when a retry overflowed
            res.headers().set("x-envoy-overloaded", "true");
        }
        if (flags.contains(ResponseFlag.RL)) {
            res.headers().set("x-local-rate-limit", "true");
        }
        if (upstreamFailure && decision != null && decision.outcome() == RoutingDecision.Outcome.ROUTE) {
            applyOps(res.headers(), decision.responseHeaders());
        }
        for (java.util.Map.Entry<String, String> h : headers) {
            res.headers().add(h.getKey(), h.getValue());
        }
        write(res);
    }

    /** What the router does to an upstream response's headers, whole or streamed: hop-by-hop out, service time and the route's ops in. */
    private void upstreamResponseHeaders(HttpHeaders h) {
        h.remove(HttpHeaderNames.CONNECTION);
        h.remove("keep-alive");
        if (mode != ListenerMode.INBOUND) {
            h.set("x-envoy-upstream-service-time", TimeUnit.NANOSECONDS.toMillis(proxy.timeScale().toConfiguredNanos(upstreamNanos)));
        }
        applyOps(h, decision.responseHeaders());
    }

    private void respondUpstream(FullHttpResponse upstreamResponse) {
        FullHttpResponse res = upstreamResponse;
        upstreamResponseHeaders(res.headers());
        if (responseSlicer != null) {
            // only what crossed the link is sliced, not the sidecar's own local replies
            writeSlicer = responseSlicer;
            timeline.add(System.nanoTime(), "response body sent in " + SlicedWriter.describe(writeSlicer) + " (chaos)");
        }
        write(res);
    }

    private void write(FullHttpResponse res) {
        if (finished) {
            res.release();
            return;
        }
        if (globalTimer != null) {
            globalTimer.cancel(false);
            globalTimer = null;
        }
        HttpHeaders h = res.headers();
        if (!requestComplete) {
            // answered before the client finished sending: the rest of its body is not read, the connection ends
            keepAlive = false;
        }
        if (res.trailingHeaders().isEmpty()) {
            HttpUtil.setContentLength(res, res.content().readableBytes());
        } else {
            // trailers (gRPC's grpc-status) need chunked encoding on HTTP/1.1; HTTP/2 sends them as a HEADERS frame
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
            HttpUtil.setTransferEncodingChunked(res, true);
        }
        decorate(h);
        int status = res.status().code();
        long bytes = res.content().readableBytes();
        finish(status, res, bytes);
    }

    /** What every answer to the client carries, local or from upstream, whole or streamed. */
    private void decorate(HttpHeaders h) {
        h.set(HttpHeaderNames.SERVER, "istio-envoy");
        for (java.util.Map.Entry<String, String> e : extAuthzResponseHeaders) {
            h.set(e.getKey(), e.getValue());
        }
        if (corsOrigin != null) {
            Cors.responseHeaders(decision.cors(), corsOrigin, h);
        }
        if (mode == ListenerMode.OUTBOUND) {
            h.set(FLAGS_HEADER, flags.isEmpty() ? "" : ResponseFlag.format(flags));
        } else {
            h.remove(FLAGS_HEADER);
        }
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (request.protocolVersion() == HttpVersion.HTTP_1_0) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    private void finishClientSpan(int status, String flag) {
        TraceContext span = clientSpan;
        clientSpan = null;
        if (span == null || !span.sampled()) {
            return; // a sampled-out trace builds no span name or record
        }
        long real = System.nanoTime() - clientStartNanos;
        String target = endpoint == null ? authority : decision.destinationHost() + ":" + decision.destinationPort();
        proxy.finishSpan(span, target + "/*", SpanRecord.Kind.CLIENT, real, status, flag.isEmpty() ? "-" : flag,
                decision.cluster(), request.headers().get("x-request-id", ""));
    }

    private void finish(int status, FullHttpResponse res, long responseBytes) {
        complete(status, res == null ? null : res.headers(), res == null ? null : res.trailingHeaders(), responseBytes);
        if (res == null || !down.channel().isActive()) {
            if (res != null) {
                res.release();
            }
            onDone.accept(false);
            return;
        }
        res.setProtocolVersion(HttpVersion.HTTP_1_1);
        afterWrite(writeSlicer == null ? down.writeAndFlush(res)
                : SlicedWriter.write(down, down.executor(), res, writeSlicer, proxy.random()));
    }

    private void afterWrite(io.netty.channel.ChannelFuture written) {
        if (keepAlive) {
            written.addListener(f -> onDone.accept(f.isSuccess()));
        } else {
            written.addListener(ChannelFutureListener.CLOSE);
            onDone.accept(false);
        }
    }

    /** The exchange is over: timers, spans, telemetry; the request is released. The answer's end is the caller's to write. */
    private void complete(int status, HttpHeaders headers, HttpHeaders trailers, long responseBytes) {
        finished = true;
        if (!requestComplete) {
            keepAlive = false;
        }
        endRetry();
        if (grpc) {
            grpcStatus = Grpc.status(headers, trailers, status);
        }
        try {
            if (globalTimer != null) {
                globalTimer.cancel(false);
            }
            if (tryTimer != null) {
                tryTimer.cancel(false);
            }
            finishClientSpan(status, flags.isEmpty() ? "" : ResponseFlag.format(flags));
            if (serverSpan != null && serverSpan.sampled()) {
                proxy.finishSpan(serverSpan, authority + "/*", SpanRecord.Kind.SERVER, System.nanoTime() - startNanos, status,
                        ResponseFlag.format(flags), decision == null ? "" : decision.cluster(), request.headers().get("x-request-id", ""));
            }
            proxy.recordRequest(this, status, responseBytes);
        } finally {
            request.release();
            proxy.finished(this);
        }
    }

    private void prepareRequestHeaders(HttpHeaders h) {
        if (mode == ListenerMode.GATEWAY) {
            // Envoy strips internal-only headers from requests that come from outside the mesh
            List<String> internal = new ArrayList<>();
            for (var e : h) {
                String n = e.getKey().toLowerCase(java.util.Locale.ROOT);
                if (n.startsWith("x-envoy-") || n.equals(FLAGS_HEADER)) {
                    internal.add(e.getKey());
                }
            }
            internal.forEach(h::remove);
            String peer = proxy.sourceIp(down.channel());
            String xff = h.get("x-forwarded-for");
            h.set("x-forwarded-for", xff == null ? peer : xff + ", " + peer);
            h.set("x-forwarded-proto", "http");
        }
        if (mode == ListenerMode.INBOUND) {
            sourceWorkload = h.get(Proxy.PEER_WORKLOAD_HEADER);
            sourceNamespace = h.get(Proxy.PEER_NAMESPACE_HEADER);
            h.remove(Proxy.PEER_WORKLOAD_HEADER);
            h.remove(Proxy.PEER_NAMESPACE_HEADER);
        }
        if (!h.contains("x-request-id")) {
            h.set("x-request-id", proxy.newRequestId());
        }
    }

    private static void applyOps(HttpHeaders h, HeaderOps ops) {
        if (ops.isEmpty()) {
            return;
        }
        ops.remove().forEach(h::remove);
        ops.set().forEach(h::set);
        ops.add().forEach(h::add);
    }

    // What the telemetry needs, read once the exchange is finished.
    ListenerMode mode() {
        return mode;
    }

    FullHttpRequest request() {
        return request;
    }

    RoutingDecision decision() {
        return decision;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    EnumSet<ResponseFlag> flags() {
        return flags;
    }

    int attempts() {
        return attempts;
    }

    long requestBytes() {
        return requestBytes;
    }

    long startNanos() {
        return startNanos;
    }

    long upstreamNanos() {
        return upstreamNanos;
    }

    String authority() {
        return authority;
    }

    String peerId() {
        return peerId;
    }

    String sourceWorkload() {
        return sourceWorkload;
    }

    String sourceNamespace() {
        return sourceNamespace;
    }

    boolean grpc() {
        return grpc;
    }

    String grpcStatus() {
        return grpcStatus;
    }

    RequestTimeline timeline() {
        return timeline;
    }

    ClusterRuntime cluster() {
        return cluster;
    }

}
