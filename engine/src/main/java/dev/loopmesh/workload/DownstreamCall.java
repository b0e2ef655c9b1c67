package dev.loopmesh.workload;

import dev.loopmesh.telemetry.tracing.TraceContext;
import dev.loopmesh.topology.CallSpec;
import dev.loopmesh.workload.client.ClientFailures;
import dev.loopmesh.workload.client.ClientRequest;
import dev.loopmesh.workload.client.ClientResponse;
import dev.loopmesh.workload.client.UpstreamTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.Future;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One downstream call as an app makes it: up to {@code attempts} tries, each under the app's own
 * timeout, retried on timeout, connection failure or 5xx. Ends with the call's node of the call tree.
 * Runs on the event loop of the connection that serves the incoming request.
 */
final class DownstreamCall {
    /** Headers an app copies from the request it serves to the requests it makes (Istio's list, plus B3 single). */
    static final List<String> PROPAGATED = List.of("x-request-id", "traceparent", "tracestate", "x-b3-traceid",
            "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags", "b3", "x-ot-span-context");

    private final WorkloadRuntime rt;
    private final EventLoop loop;
    private final CallSpec call;
    private final ClientRequest request;
    private final Consumer<CallTree> done;
    private final TraceContext parent;
    private long startNanos;
    private int attempt;
    /** The current try's client span, and when the try began. */
    private TraceContext span;
    private long tryStartNanos;

    /** @param parent the app's server span for the request it serves; null when the app records no spans */
    DownstreamCall(WorkloadRuntime rt, EventLoop loop, CallSpec call, HttpHeaders incoming, TraceContext parent,
                   Consumer<CallTree> done) {
        this.rt = rt;
        this.loop = loop;
        this.call = call;
        this.done = done;
        this.parent = parent;
        this.request = request(rt.outbound().authority(call), call, incoming);
    }

    static ClientRequest request(String authority, CallSpec call, HttpHeaders incoming) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        copy(incoming, PROPAGATED, headers);
        copy(incoming, call.propagate(), headers);
        call.headers().forEach((k, v) -> headers.add(Map.entry(k, v)));
        return new ClientRequest(call.method(), call.path(), authority, headers, true);
    }

    private static void copy(HttpHeaders from, List<String> names, List<Map.Entry<String, String>> to) {
        for (String name : names) {
            for (String value : from.getAll(name)) {
                to.add(Map.entry(name, value));
            }
        }
    }

    void start() {
        startNanos = rt.ticker().getAsLong();
        tryOnce();
    }

    private void tryOnce() {
        attempt++;
        InetSocketAddress address = rt.outbound().address(call);
        if (address == null) {
            finishOrRetry(0, "", "no endpoint for service " + call.service(), null);
            return;
        }
        long timeout = call.timeout() == null ? 0 : Math.max(1, rt.timeScale().scaleNanos(call.timeout()));
        if (rt.outbound().tcp(call)) {
            byte[] payload = (call.method() + " " + call.path() + "\n").getBytes(StandardCharsets.UTF_8);
            rt.client().sendTcp(loop, address, payload, timeout).addListener(this::onTcpResult);
            return;
        }
        span = AppSpans.client(rt, parent);
        tryStartNanos = rt.ticker().getAsLong();
        ClientRequest req = span == null ? request : new ClientRequest(request.method(), request.path(), request.authority(),
                AppSpans.inject(span, request.headers()), request.wantBody());
        rt.client().send(loop, address, req, timeout).addListener(this::onResult);
    }

    /** Records the span of the try that just ended. */
    private void endTry(int status, String flags) {
        AppSpans.finishClient(rt, span, request.method(), request.authority(), request.path(),
                rt.ticker().getAsLong() - tryStartNanos, status, flags, attempt);
        span = null;
    }

    /** The echo app's line: {@code db-v1-0 (db v1) read 11 bytes}. */
    private static final Pattern ECHO = Pattern.compile("(\\S+) \\((\\S+) (\\S+)\\) read .*");

    /** A tcp call answered with a line counts as 200 in the call tree; the line names the pod when it is the echo app's. */
    private void onTcpResult(Future<? super String> f) {
        if (!f.isSuccess()) {
            Throwable cause = f.cause();
            finishOrRetry(0, "", cause instanceof UpstreamTimeoutException ? "app timeout after " + call.timeout().toMillis() + "ms"
                    : ClientFailures.describe(cause), null);
            return;
        }
        Matcher m = ECHO.matcher((String) f.getNow());
        CallTree callee = m.matches() ? new CallTree(m.group(2), m.group(3), m.group(1), 200, 0, "", "", List.of())
                : new CallTree(call.service(), "", "", 200, 0, "", "", List.of());
        finish(200, "", "", callee);
    }

    private void onResult(Future<? super ClientResponse> f) {
        if (f.isSuccess()) {
            ClientResponse r = (ClientResponse) f.getNow();
            endTry(r.status(), r.responseFlags());
            String error = r.status() >= 200 && r.status() < 300 ? "" : "upstream status " + r.status();
            boolean retriable = r.status() >= 500;
            if (retriable && attempt < call.attempts()) {
                tryOnce();
            } else {
                finish(r.status(), r.responseFlags(), error.isEmpty() ? "" : withAttempt(error), CallTreeJson.parse(r.body()));
            }
            return;
        }
        Throwable cause = f.cause();
        endTry(0, "");
        String reason = cause instanceof UpstreamTimeoutException
                ? "app timeout after " + call.timeout().toMillis() + "ms"
                : ClientFailures.describe(cause);
        finishOrRetry(0, "", reason, null);
    }

    private void finishOrRetry(int status, String flags, String reason, CallTree callee) {
        if (attempt < call.attempts()) {
            tryOnce();
        } else {
            finish(status, flags, withAttempt(reason), callee);
        }
    }

    private String withAttempt(String reason) {
        return call.attempts() > 1 ? reason + " (attempt " + attempt + " of " + call.attempts() + ")" : reason;
    }

    private void finish(int status, String flags, String error, CallTree callee) {
        double ms = rt.configuredMillis(rt.ticker().getAsLong() - startNanos);
        CallTree node = callee != null
                ? callee.asSeenByCaller(status, ms, flags, error)
                : new CallTree(call.service(), "", "", status, ms, flags, error, List.of());
        done.accept(node);
    }
}
