package dev.loopmesh.dataplane;

import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.policy.resilience.RetryPolicy;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.policy.routing.HeaderOps;
import dev.loopmesh.policy.routing.Mirror;
import dev.loopmesh.policy.routing.RoutingDecision;
import dev.loopmesh.chaos.LinkFault;
import dev.loopmesh.telemetry.tracing.SpanRecord;
import dev.loopmesh.telemetry.tracing.TraceContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One request through one proxy: route, fault, then attempts with retries and timers, then the
 * answer. Lives on the downstream channel's event loop; every callback comes back to it.
 * <p>
 * This object is the request's state and runs its lifecycle (start, the route timeout, mirrors, the
 * end); the steps are in stateless classes that act on it, so that a request costs one object:
 * {@link RequestFilters} (before the router), {@link UpstreamAttempt} (each attempt and its retry
 * decision), {@link HttpLinkChaos} (chaos on an attempt's link), {@link RequestBodyStream} (a body that
 * streams upstream) and {@link DownstreamResponse} (the answer to the client, streamed or whole).
 */
final class ProxyExchange implements UpstreamHandler.StreamListener {

    static final String FLAGS_HEADER = "x-loopmesh-response-flags";
    /** Envoy's per-connection buffer limit, which bounds the body kept for a retry or a mirror. */
    static final int REPLAY_LIMIT = 1024 * 1024;

    final Proxy proxy;
    final ListenerMode mode;
    final ChannelHandlerContext down;
    /** The request; its content is the body kept (for a retry or mirror), empty once that outgrew {@link #REPLAY_LIMIT}. */
    FullHttpRequest request;
    final Consumer<Boolean> onDone;
    final ProxySnapshot snapshot;
    final long startNanos;
    final RequestTimeline timeline;
    final EnumSet<ResponseFlag> flags = EnumSet.noneOf(ResponseFlag.class);
    boolean keepAlive;
    boolean finished;
    ScheduledFuture<?> globalTimer;

    // set by the request filters and the route (RequestFilters)
    RoutingDecision decision;
    dev.loopmesh.policy.routing.RequestView view;
    ClusterRuntime cluster;
    RetryPolicy retry = RetryPolicy.NONE;
    String authority;
    String sourceWorkload;
    String sourceNamespace;
    String corsOrigin;
    /** A gRPC request (content-type application/grpc): local replies are trailers-only, metrics carry its status. */
    boolean grpc;
    /** Istio's grpc_response_status once finished; "" when not gRPC. */
    String grpcStatus = "";
    TraceContext serverSpan;
    TraceContext parentSpan;
    /** Headers an ext_authz provider's 200 asked to set on the response to the client (headersToDownstreamOnAllow). */
    List<java.util.Map.Entry<String, String>> extAuthzResponseHeaders = List.of();
    /** The mTLS peer's SPIFFE id: the caller's inbound, the upstream's outbound; "" for plaintext. */
    String peerId = "";

    // the attempts (UpstreamAttempt, HttpLinkChaos)
    int attempts;
    final List<String> tried = new ArrayList<>(2);
    Endpoint endpoint;
    Channel upstream;
    Future<Channel> acquiring;
    ScheduledFuture<?> tryTimer;
    long upstreamStartNanos;
    long upstreamNanos;
    LinkFault link = LinkFault.NONE;
    /** Chaos slicer on the link of the current attempt, for the data coming back; null for none. */
    LinkFault.Slicer responseSlicer;
    /** This request holds one of the cluster's retry slots (from a retry's back-off to the end of its attempt). */
    boolean retrySlot;
    /** The connection pool refused the last attempt: the local reply carries x-envoy-overloaded. */
    boolean overloaded;
    /** The current attempt still counts in the cluster's active requests (counted down exactly once). */
    boolean attemptOpen;
    TraceContext clientSpan;
    long clientStartNanos;
    /** The response of this attempt being collected whole, because a chaos link delays, paces, stalls or slices it. */
    UpstreamHandler.Collecting collecting;

    // the request body (RequestBodyStream)
    /** The whole request body is in ({@code request}'s content holds it while {@link #replayable}). */
    boolean requestComplete;
    long requestBytes;
    /** The request body is all kept, so a retry or a mirror can send it again. */
    boolean replayable = true;
    /** The upstream connection the current attempt streams the request body on. */
    Channel sendingOn;
    boolean timeoutPending;
    boolean mirrorsPending;

    // the answer to the client (DownstreamResponse)
    /** The slicer the answer is written with, when it came over a sliced link. */
    LinkFault.Slicer writeSlicer;
    /** The upstream response streams to the client: its head is written, its body follows as it arrives. */
    boolean streaming;
    int streamStatus;
    HttpHeaders streamHeaders;
    long streamedBytes;
    boolean upstreamReusable;
    /** Reading from upstream stopped because the client reads slower than the upstream sends. */
    boolean upstreamPaused;

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
            RequestFilters.route(this);
            RequestBodyStream.demandBody(this);
        } catch (RuntimeException e) {
            // a bug must not leak the request or hang the client: answer as Envoy does for an internal error
            if (!finished) {
                timeline.add(System.nanoTime(), "internal error: " + e);
                DownstreamResponse.respondLocal(this, 500, "internal error", false);
            }
        }
    }

    /** The filters let the request through to an upstream: timers and mirrors as the body allows, then the first attempt. */
    void beginUpstream() {
        if (requestComplete) {
            startRouteTimer();
            sendMirrors();
        } else {
            // Envoy's route timeout starts once the whole request is in; a mirror needs the whole body
            timeoutPending = true;
            mirrorsPending = !decision.mirrors().isEmpty();
        }
        UpstreamAttempt.attempt(this);
    }

    void startRouteTimer() {
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

    private void globalTimeout() {
        globalTimer = null;
        if (finished) {
            return;
        }
        UpstreamAttempt.abortUpstream(this);
        UpstreamAttempt.endAttempt(this);
        finishClientSpan(streaming ? streamStatus : 0, ResponseFlag.UT.name());
        flags.add(ResponseFlag.UT);
        proxy.telemetry().metrics().proxyCounters().timeout(proxy.identity().proxy(), decision.cluster());
        timeline.add(System.nanoTime(), "route timeout after " + (decision.timeout() == null ? "?" : decision.timeout().toMillis()) + "ms"
                + (streaming ? ", while the response body streamed: the client's stream is reset" : ""));
        if (streaming) {
            // Envoy's route timeout spans the whole response: past the head, the only way left to end it is a reset
            DownstreamResponse.abortStreamedResponse(this);
            return;
        }
        DownstreamResponse.respondLocal(this, 504, "upstream request timeout", true);
    }

    void sendMirrors() {
        for (Mirror m : decision.mirrors()) {
            if (roll(m.percent())) {
                proxy.mirror(down.channel().eventLoop(), m, request, authority);
            }
        }
    }

    boolean roll(double percent) {
        return percent >= 100 || (percent > 0 && proxy.random().nextDouble() * 100 < percent);
    }

    /** More of a streaming request's body, from the client. */
    void requestContent(HttpContent c) {
        RequestBodyStream.requestContent(this, c);
    }

    /** The client's body turned out malformed mid-stream (a bad chunk): Envoy's 400, or a reset once the answer began. */
    void requestBodyFailed(String why) {
        RequestBodyStream.requestBodyFailed(this, why);
    }

    /** The client's socket drained (or filled): the upstream of a streaming response reads again (or waits). */
    void downstreamWritabilityChanged() {
        DownstreamResponse.downstreamWritabilityChanged(this);
    }

    void downstreamClosed() {
        if (finished) {
            return;
        }
        flags.add(ResponseFlag.DC);
        UpstreamAttempt.abortUpstream(this);
        UpstreamAttempt.endAttempt(this);
        if (streaming) {
            finishClientSpan(streamStatus, ResponseFlag.DC.name());
            complete(streamStatus, streamHeaders, null, streamedBytes);
            onDone.accept(false);
            return;
        }
        DownstreamResponse.finish(this, 0, null, 0);
    }

    @Override
    public void onResponseHead(HttpResponse head) {
        if (!link.isNone() && !finished) {
            HttpLinkChaos.collect(this, head);
            return;
        }
        UpstreamAttempt.onResponseHead(this, head);
    }

    @Override
    public void onResponseContent(HttpContent content) {
        if (collecting != null) {
            collecting.onResponseContent(content);
            return;
        }
        DownstreamResponse.onResponseContent(this, content);
    }

    @Override
    public void onReset(Throwable cause) {
        if (collecting != null) {
            collecting.onReset(cause);
            return;
        }
        UpstreamAttempt.upstreamReset(this, cause);
    }

    @Override
    public void upstreamWritabilityChanged() {
        RequestBodyStream.demandBody(this);
    }

    void finishClientSpan(int status, String flag) {
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

    /** The exchange is over: timers, spans, telemetry; the request is released. The answer's end is the caller's to write. */
    void complete(int status, HttpHeaders headers, HttpHeaders trailers, long responseBytes) {
        finished = true;
        if (!requestComplete) {
            keepAlive = false;
        }
        UpstreamAttempt.endRetry(this);
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

    static void applyOps(HttpHeaders h, HeaderOps ops) {
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
