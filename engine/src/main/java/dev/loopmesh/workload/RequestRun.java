package dev.loopmesh.workload;

import dev.loopmesh.topology.BehaviorSpec;
import dev.loopmesh.telemetry.tracing.TraceContext;
import dev.loopmesh.topology.CallSpec;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What an emulated app does with one request: wait its sampled latency (a timer, never a sleep), maybe
 * fail by its error rate, make its downstream calls in order or in parallel, then answer with the call
 * tree. Everything runs on one event loop, so the state needs no locks.
 */
final class RequestRun {
    /** The answer: status and the call tree as JSON. */
    record Answer(int status, String json) {
    }

    private final WorkloadRuntime rt;
    private final EventLoop loop;
    private final String method;
    private final String uri;
    private final HttpHeaders incoming;
    private final Consumer<Answer> done;
    private final BehaviorSpec behavior;
    private final CallTree[] results;
    private long startNanos;
    private int pending;
    /** This request's server span (null when the app records no spans); the parent of its calls' spans. */
    private TraceContext span;

    RequestRun(WorkloadRuntime rt, EventLoop loop, String method, String uri, HttpHeaders incoming, Consumer<Answer> done) {
        this.rt = rt;
        this.loop = loop;
        this.method = method;
        this.uri = uri;
        this.incoming = incoming;
        this.done = done;
        this.behavior = rt.behavior();
        this.results = new CallTree[behavior.calls().size()];
    }

    void start() {
        startNanos = rt.ticker().getAsLong();
        span = AppSpans.server(rt, incoming);
        // both draws up front, so a seeded run draws the same sequence whatever the calls do
        long latency = rt.timeScale().scaleNanos(behavior.latency().sampleNanos(rt.random()));
        boolean injectedError = behavior.errorRate() > 0 && rt.random().nextDouble() < behavior.errorRate();
        Runnable next = injectedError ? this::answerInjectedError : this::callDownstream;
        if (latency > 0) {
            loop.schedule(next, latency, TimeUnit.NANOSECONDS);
        } else {
            next.run();
        }
    }

    private void answerInjectedError() {
        finish(behavior.errorStatus(), "injected error (errorRate " + behavior.errorRate() + ")", List.of());
    }

    private void callDownstream() {
        List<CallSpec> calls = behavior.calls();
        if (calls.isEmpty()) {
            finish(200, "", List.of());
        } else if (behavior.parallel()) {
            pending = calls.size();
            for (int i = 0; i < calls.size(); i++) {
                int index = i;
                new DownstreamCall(rt, loop, calls.get(i), incoming, span, tree -> {
                    results[index] = tree;
                    if (--pending == 0) {
                        answerAfterCalls();
                    }
                }).start();
            }
        } else {
            callInOrder(0);
        }
    }

    private void callInOrder(int index) {
        if (index == results.length) {
            answerAfterCalls();
            return;
        }
        new DownstreamCall(rt, loop, behavior.calls().get(index), incoming, span, tree -> {
            results[index] = tree;
            if (!tree.succeeded() && behavior.failOnCallError()) {
                answerAfterCalls(); // an app that fails on a call error stops there
            } else {
                callInOrder(index + 1);
            }
        }).start();
    }

    private void answerAfterCalls() {
        List<CallTree> made = Arrays.stream(results).filter(java.util.Objects::nonNull).toList();
        CallTree failed = made.stream().filter(t -> !t.succeeded()).findFirst().orElse(null);
        if (failed != null && behavior.failOnCallError()) {
            finish(behavior.callErrorStatus(), "call to " + failed.service() + " failed: " + failed.error(), made);
        } else {
            finish(200, "", made);
        }
    }

    private void finish(int status, String error, List<CallTree> calls) {
        long realNanos = rt.ticker().getAsLong() - startNanos;
        AppSpans.finishServer(rt, span, method, uri, realNanos, status);
        double ms = rt.configuredMillis(realNanos);
        CallTree tree = new CallTree(rt.pod().service(), rt.pod().version(), rt.pod().name(), status, ms, "", error, calls);
        done.accept(new Answer(status, CallTreeJson.write(tree, behavior.responseBytes())));
    }
}
