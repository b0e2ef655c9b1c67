package dev.loopmesh.dataplane;

import dev.loopmesh.chaos.Direction;
import dev.loopmesh.chaos.LinkFault;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;

import java.util.concurrent.TimeUnit;

/**
 * Chaos on the link of an HTTP attempt ({@link ProxyExchange#link}): a partition, a stall, latency or
 * bandwidth before the request is sent; on the way back the response is collected whole, then
 * delayed, paced or stalled as the link says before the attempt's answer is handled.
 */
final class HttpLinkChaos {
    private HttpLinkChaos() {
    }

    /**
     * Chaos on the link to the chosen endpoint, before anything is sent: a partition drops the packets
     * (the connect attempt times out), a stall holds the request, latency and bandwidth delay it.
     *
     * @return true when the attempt continues later (or never), false to send now
     */
    static boolean beforeSend(ProxyExchange x) {
        LinkFault link = x.link;
        x.timeline.add(System.nanoTime(), "chaos on the link to " + x.endpoint.pod() + ": " + String.join(", ", link.chaosIds()));
        if (link.blackhole()) {
            // the connect timeout is a configured duration: --time-scale scales it like every other
            long connectTimeout = x.proxy.timeScale().scaleNanos(x.cluster.config().connectionPool().connectTimeout());
            x.down.executor().schedule(() -> {
                if (!x.finished && x.upstream == null) {
                    UpstreamAttempt.attemptFailed(x, ResponseFlag.UF, "connect timeout: the link is partitioned (chaos)", 0);
                }
            }, connectTimeout, TimeUnit.NANOSECONDS);
            return true;
        }
        if (link.stalled(Direction.REQUEST)) {
            long close = link.stallCloseAfterNanos(Direction.REQUEST);
            if (close >= 0) {
                x.down.executor().schedule(() -> {
                    if (!x.finished && x.upstream == null) {
                        UpstreamAttempt.attemptFailed(x, ResponseFlag.UC, "connection closed by a stalled link (chaos)", 0);
                    }
                }, close, TimeUnit.NANOSECONDS);
            }
            return true;
        }
        long delay = link.delayNanos(Direction.REQUEST, x.proxy.random());
        var pacer = link.pacer(Direction.REQUEST);
        if (pacer != null) {
            delay += pacer.reserve(x.request.content().readableBytes(), System.nanoTime());
        }
        if (delay > 0) {
            int attempt = x.attempts;
            x.down.executor().schedule(() -> {
                if (!x.finished && x.attempts == attempt) {
                    UpstreamAttempt.acquire(x);
                }
            }, delay, TimeUnit.NANOSECONDS);
            return true;
        }
        return false;
    }

    /** The head of a response over a chaos link: the response is collected whole ({@link ProxyExchange#collecting}). */
    static void collect(ProxyExchange x, HttpResponse head) {
        x.collecting = new UpstreamHandler.Collecting(new UpstreamHandler.Listener() {
            @Override
            public void onResponse(FullHttpResponse response) {
                x.collecting = null;
                onWholeResponse(x, response);
            }

            @Override
            public void onReset(Throwable cause) {
                x.collecting = null;
                UpstreamAttempt.upstreamReset(x, cause);
            }
        }, UpstreamPool.MAX_RESPONSE_BYTES);
        x.collecting.onResponseHead(head);
    }

    /** A response collected whole (over a chaos link): delayed, paced or stalled as the link says, then answered. */
    private static void onWholeResponse(ProxyExchange x, FullHttpResponse response) {
        LinkFault link = x.link;
        if (!link.isNone() && !x.finished) {
            long delay = link.delayNanos(Direction.RESPONSE, x.proxy.random());
            var pacer = link.pacer(Direction.RESPONSE);
            if (pacer != null) {
                delay += pacer.reserve(response.content().readableBytes(), System.nanoTime());
            }
            if (link.stalled(Direction.RESPONSE)) {
                Channel ch = x.upstream;
                x.upstream = null;
                response.release();
                if (ch != null) {
                    ch.close();
                }
                long close = link.stallCloseAfterNanos(Direction.RESPONSE);
                if (close >= 0) {
                    x.down.executor().schedule(() -> {
                        if (!x.finished) {
                            UpstreamAttempt.attemptFailed(x, ResponseFlag.UC, "connection closed by a stalled link (chaos)", 0);
                        }
                    }, close, TimeUnit.NANOSECONDS);
                }
                return;
            }
            if (delay > 0) {
                // the response is held once; when it comes back it passes as on a healthy link
                x.link = LinkFault.NONE;
                x.down.executor().schedule(() -> onWholeResponse(x, response), delay, TimeUnit.NANOSECONDS);
                return;
            }
        }
        UpstreamAttempt.onWholeResponse(x, response);
    }
}
