package dev.loopmesh.workload.client;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;

/** One request's life on the pool: its promise, timer and the connection it holds. Event-loop confined. */
final class PooledExchange {
    private final HttpClientPool pool;
    private final InetSocketAddress address;
    private final ClientRequest request;
    private final Promise<ClientResponse> promise;
    private ScheduledFuture<?> timer;
    private Channel channel;

    PooledExchange(HttpClientPool pool, InetSocketAddress address, ClientRequest request, Promise<ClientResponse> promise) {
        this.pool = pool;
        this.address = address;
        this.request = request;
        this.promise = promise;
    }

    InetSocketAddress address() {
        return address;
    }

    ClientRequest request() {
        return request;
    }

    boolean wantBody() {
        return request.wantBody();
    }

    boolean isDone() {
        return promise.isDone();
    }

    void timer(ScheduledFuture<?> timer) {
        this.timer = timer;
    }

    void assigned(Channel channel) {
        this.channel = channel;
    }

    void responded(Channel ch, ClientResponse response, boolean keepAlive) {
        channel = null;
        cancelTimer();
        if (keepAlive && !promise.isDone()) {
            pool.release(address, ch); // before completing: the listener may send the next request on it
        } else {
            ch.close();
        }
        promise.trySuccess(response);
    }

    void fail(Throwable cause) {
        cancelTimer();
        Channel ch = channel;
        channel = null;
        if (ch != null) {
            ch.close(); // a connection with an unanswered request can't be reused
        }
        promise.tryFailure(cause);
    }

    void timedOut(long timeoutNanos) {
        timer = null;
        fail(new UpstreamTimeoutException("no response within " + timeoutNanos / 1_000_000 + "ms"));
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
