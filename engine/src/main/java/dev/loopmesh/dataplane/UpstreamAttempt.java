package dev.loopmesh.dataplane;

import dev.loopmesh.chaos.Direction;
import dev.loopmesh.chaos.LinkFault;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.telemetry.tracing.TraceContext;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One upstream attempt of an exchange and what follows it: pick an endpoint, take a connection from
 * the pool, send the request; then, on the answer or the failure, Envoy's retry decision (retriable,
 * retries left, the cluster's retry budget) and the back-off before the next attempt, or the end of
 * the exchange. The per-try timeout bounds each attempt.
 */
final class UpstreamAttempt {
    private static final long BACKOFF_BASE_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    private static final long BACKOFF_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private UpstreamAttempt() {
    }

    static void attempt(ProxyExchange x) {
        x.attempts++;
        x.endpoint = x.cluster.pick(x.proxy.random(), x.retry.retryIgnorePreviousHosts() ? x.tried : List.of(), x.view);
        if (x.endpoint == null) {
            x.flags.add(ResponseFlag.UH);
            DownstreamResponse.respondLocal(x, 503, "no healthy upstream", true);
            return;
        }
        x.tried.add(x.endpoint.hostPort());
        int n = x.attempts;
        Endpoint e = x.endpoint;
        x.timeline.add(System.nanoTime(), () -> "attempt " + n + " → " + e.pod() + " (" + e.hostPort() + ")");
        if (x.retry.perTryTimeout() != null && !x.retry.perTryTimeout().isZero()) {
            x.tryTimer = x.down.executor().schedule(() -> perTryTimeout(x), x.proxy.timeScale().scaleNanos(x.retry.perTryTimeout()),
                    TimeUnit.NANOSECONDS);
        }
        x.cluster.activeRequests.incrementAndGet();
        x.cluster.active(x.endpoint).incrementAndGet();
        x.attemptOpen = true;
        x.upstreamStartNanos = System.nanoTime();
        x.link = x.mode == ListenerMode.INBOUND ? LinkFault.NONE : x.proxy.linkFault(x.endpoint);
        x.responseSlicer = x.link.isNone() ? null : x.link.slicer(Direction.RESPONSE);
        if (!x.link.isNone() && HttpLinkChaos.beforeSend(x)) {
            return;
        }
        acquire(x);
    }

    static void acquire(ProxyExchange x) {
        x.acquiring = x.proxy.pool().acquire(x.down.channel().eventLoop(), x.endpoint, x.cluster);
        x.acquiring.addListener(f -> {
            x.acquiring = null;
            if (x.finished) {
                if (f.isSuccess()) {
                    x.proxy.pool().release((Channel) f.getNow(), x.endpoint, x.cluster, true);
                }
                return;
            }
            if (!f.isSuccess()) {
                Throwable c = f.cause();
                ResponseFlag flag = c instanceof UpstreamPool.PoolException ? ((UpstreamPool.PoolException) c).flag : ResponseFlag.UF;
                attemptFailed(x, flag, UpstreamPool.describe(c), 0);
                return;
            }
            send(x, (Channel) f.getNow());
        });
    }

    private static void send(ProxyExchange x, Channel ch) {
        x.upstream = ch;
        if (x.mode != ListenerMode.INBOUND) {
            x.peerId = dev.loopmesh.security.MeshTls.peerId(ch);
            String tls = dev.loopmesh.security.MeshTls.summary(ch);
            if (tls != null) {
                x.timeline.add(System.nanoTime(), tls);
            }
        }
        FullHttpRequest request = x.request;
        String target = x.decision.rewritePath() != null ? x.decision.rewritePath() : pathOnlyTarget(request.uri());
        HttpRequest out = x.requestComplete
                ? new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), target, request.content().retainedDuplicate())
                : new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), target);
        out.headers().set(request.headers());
        HttpHeaders h = out.headers();
        h.remove(HttpHeaderNames.CONNECTION);
        h.remove("keep-alive");
        h.remove("proxy-connection");
        if (x.decision.rewriteAuthority() != null) {
            h.set(HttpHeaderNames.HOST, x.decision.rewriteAuthority());
        }
        ProxyExchange.applyOps(h, x.decision.requestHeaders());
        if (x.mode != ListenerMode.INBOUND) {
            h.set("x-envoy-attempt-count", x.attempts);
            x.proxy.addPeerMetadata(h);
        }
        TraceContext.HEADERS.forEach(h::remove);
        if (x.mode == ListenerMode.INBOUND) {
            x.serverSpan.inject(h::set);
        } else {
            x.clientSpan = x.proxy.tracer().clientSpan(x.parentSpan);
            x.clientStartNanos = System.nanoTime();
            x.clientSpan.inject(h::set);
        }
        ch.pipeline().get(UpstreamHandler.class).await(x);
        boolean reset = !x.link.isNone() && x.link.resetNow(x.proxy.random());
        if (!x.requestComplete) {
            RequestBodyStream.sendStreaming(x, ch, out, reset);
            return;
        }
        FullHttpRequest whole = (FullHttpRequest) out;
        // the whole body is here: its length frames it, however the client framed it
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        HttpUtil.setContentLength(whole, whole.content().readableBytes());
        LinkFault.Slicer slicer = x.link.isNone() ? null : x.link.slicer(Direction.REQUEST);
        if (slicer != null) {
            x.timeline.add(System.nanoTime(), "request body sent in " + SlicedWriter.describe(slicer) + " (chaos)");
        }
        (slicer == null ? ch.writeAndFlush(whole) : SlicedWriter.write(ch, ch.eventLoop(), whole, slicer, x.proxy.random()))
                .addListener(w -> afterSent(x, ch, w.isSuccess(), reset));
    }

    static void afterSent(ProxyExchange x, Channel ch, boolean success, boolean reset) {
        if ((!success || reset) && !x.finished && x.upstream == ch) {
            if (reset) {
                x.timeline.add(System.nanoTime(), "connection reset by chaos after the request was sent");
            }
            ch.close();
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

    /** The head of this attempt's answer (over a healthy link): retried, or streamed to the client. */
    static void onResponseHead(ProxyExchange x, HttpResponse head) {
        Channel ch = x.upstream;
        x.upstreamNanos = System.nanoTime() - x.upstreamStartNanos;
        if (x.tryTimer != null) {
            // Envoy ignores the per-try timeout once the upstream answered: the route timeout still runs
            x.tryTimer.cancel(false);
            x.tryTimer = null;
        }
        if (x.finished) {
            dropUpstream(x, ch);
            endAttempt(x);
            return;
        }
        int status = head.status().code();
        int n = x.attempts;
        x.timeline.add(System.nanoTime(), () -> "attempt " + n + " answered " + status);
        x.proxy.outlier(x.cluster, x.endpoint, status, false);
        if (RetryConditions.retriable(x.retry, x.request.headers(), status, head.headers())) {
            endAttempt(x);
            x.finishClientSpan(status, "");
            if (canRetry(x)) {
                // Envoy resets the upstream stream of a response it retries; on HTTP/1.1 that closes the connection
                dropUpstream(x, ch);
                scheduleRetry(x, "status " + status);
                return;
            }
        }
        DownstreamResponse.startStreaming(x, head, status);
    }

    /** This attempt's answer, collected whole (it came over a chaos link): retried, or sent to the client. */
    static void onWholeResponse(ProxyExchange x, FullHttpResponse response) {
        Channel ch = x.upstream;
        x.upstream = null;
        x.upstreamNanos = System.nanoTime() - x.upstreamStartNanos;
        endAttempt(x);
        boolean reusable = HttpUtil.isKeepAlive(response) && x.requestComplete;
        if (x.finished) {
            response.release();
            x.proxy.pool().release(ch, x.endpoint, x.cluster, reusable);
            return;
        }
        x.proxy.pool().release(ch, x.endpoint, x.cluster, reusable);
        int status = response.status().code();
        x.finishClientSpan(status, "");
        int n = x.attempts;
        x.timeline.add(System.nanoTime(), () -> "attempt " + n + " answered " + status);
        x.proxy.outlier(x.cluster, x.endpoint, status, false);
        if (RetryConditions.retriable(x.retry, x.request.headers(), status, response.headers()) && canRetry(x)) {
            response.release();
            scheduleRetry(x, "status " + status);
            return;
        }
        DownstreamResponse.respondUpstream(x, response);
    }

    static void upstreamReset(ProxyExchange x, Throwable cause) {
        Channel ch = x.upstream;
        x.upstream = null;
        if (ch != null) {
            ch.close();
        }
        if (x.finished) {
            endAttempt(x);
            return;
        }
        if (x.streaming) {
            // the head went to the client already: nothing to retry or answer, the client's stream is reset too
            endAttempt(x);
            x.flags.add(ResponseFlag.UC);
            x.timeline.add(System.nanoTime(), "upstream reset mid-response: " + UpstreamPool.describe(cause));
            DownstreamResponse.abortStreamedResponse(x);
            return;
        }
        attemptFailed(x, ResponseFlag.UC, "upstream reset: " + UpstreamPool.describe(cause), 0);
    }

    /** Gives up this attempt's upstream connection mid-response: nothing more is read from it. */
    private static void dropUpstream(ProxyExchange x, Channel ch) {
        if (ch == null) {
            return;
        }
        if (x.upstream == ch) {
            x.upstream = null;
        }
        UpstreamHandler u = ch.pipeline().get(UpstreamHandler.class);
        if (u != null) {
            u.detach();
        }
        ch.close();
    }

    static void endAttempt(ProxyExchange x) {
        endRetry(x);
        if (x.tryTimer != null) {
            x.tryTimer.cancel(false);
            x.tryTimer = null;
        }
        if (x.endpoint != null && x.attemptOpen) {
            x.attemptOpen = false;
            x.cluster.activeRequests.decrementAndGet();
            x.cluster.active(x.endpoint).decrementAndGet();
        }
    }

    static void attemptFailed(ProxyExchange x, ResponseFlag flag, String why, int status) {
        endAttempt(x);
        x.finishClientSpan(0, flag.name());
        x.timeline.add(System.nanoTime(), "attempt " + x.attempts + " failed: " + why);
        if (flag == ResponseFlag.UO) {
            x.overloaded = true;
            x.proxy.telemetry().metrics().proxyCounters().pendingOverflow(x.proxy.identity().proxy(), x.cluster.config().name());
        } else {
            // Envoy maps a local-origin timeout to 504 and a connect failure or reset to 503
            x.proxy.outlier(x.cluster, x.endpoint, flag == ResponseFlag.UT ? 504 : 503, true);
        }
        if (RetryConditions.retriable(x.retry, flag) && canRetry(x)) {
            x.flags.remove(ResponseFlag.UT);
            scheduleRetry(x, why);
            return;
        }
        x.flags.add(flag);
        if (flag == ResponseFlag.UO) {
            DownstreamResponse.respondLocal(x, 503, "upstream connect error or disconnect/reset before headers. reset reason: overflow", true);
        } else if (flag == ResponseFlag.UT) {
            DownstreamResponse.respondLocal(x, 504, "upstream request timeout", true);
        } else {
            DownstreamResponse.respondLocal(x, 503, flag == ResponseFlag.UF ? why
                    : "upstream connect error or disconnect/reset before headers. reset reason: connection termination", true);
        }
    }

    /**
     * Envoy's RetryStateImpl::shouldRetry for a retriable outcome: URX when this request's retries are
     * used up; UO (and {@code upstream_rq_retry_overflow}) when the cluster's retry budget or maxRetries
     * refuses, and the request ends with this attempt's outcome. A granted retry holds a slot until its
     * attempt ends.
     */
    private static boolean canRetry(ProxyExchange x) {
        if (!x.replayable) {
            x.timeline.add(System.nanoTime(), "not retried: the request body outgrew the " + ProxyExchange.REPLAY_LIMIT + "-byte retry buffer");
            return false;
        }
        if (x.attempts > x.retry.attempts()) {
            if (x.retry.attempts() > 0) {
                x.flags.add(ResponseFlag.URX);
            }
            return false;
        }
        String refused = x.cluster.tryStartRetry();
        if (refused != null) {
            x.flags.add(ResponseFlag.UO);
            x.timeline.add(System.nanoTime(), "retry not attempted (overflow): " + refused);
            x.proxy.telemetry().metrics().proxyCounters().retryOverflow(x.proxy.identity().proxy(), x.cluster.config().name());
            return false;
        }
        x.retrySlot = true;
        return true;
    }

    static void endRetry(ProxyExchange x) {
        if (x.retrySlot) {
            x.retrySlot = false;
            x.cluster.endRetry();
        }
    }

    private static void scheduleRetry(ProxyExchange x, String why) {
        int k = x.attempts;
        long cap = Math.min(BACKOFF_MAX_NANOS, BACKOFF_BASE_NANOS << Math.min(k - 1, 10));
        long backoff = (long) (x.proxy.random().nextDouble() * cap);
        x.timeline.add(System.nanoTime(), "retry " + k + " of " + x.retry.attempts() + " because " + why + ", back-off " + backoff / 1_000_000 + "ms");
        x.proxy.telemetry().metrics().proxyCounters().retry(x.proxy.identity().proxy(), x.cluster.config().name());
        x.down.executor().schedule(() -> {
            if (!x.finished) {
                attempt(x);
            }
        }, x.proxy.timeScale().scaleNanos(backoff), TimeUnit.NANOSECONDS);
    }

    private static void perTryTimeout(ProxyExchange x) {
        x.tryTimer = null;
        if (x.finished) {
            return;
        }
        abortUpstream(x);
        attemptFailed(x, ResponseFlag.UT, "per-try timeout after " + x.retry.perTryTimeout().toMillis() + "ms", 0);
    }

    /** Stops the attempt in flight: a connection still being acquired, or the one the request went on, is given up. */
    static void abortUpstream(ProxyExchange x) {
        if (x.acquiring != null) {
            x.acquiring.cancel(false);
        }
        Channel ch = x.upstream;
        x.upstream = null;
        if (ch != null) {
            ch.close();
        }
    }
}
