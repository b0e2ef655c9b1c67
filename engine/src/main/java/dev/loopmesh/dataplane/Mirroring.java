package dev.loopmesh.dataplane;

import dev.loopmesh.policy.routing.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.util.List;

/**
 * Sends a shadow copy of a request, fire and forget: Envoy appends {@code -shadow} to the host, and
 * the answer is read and dropped.
 */
final class Mirroring {
    private Mirroring() {
    }

    static String shadowAuthority(String authority) {
        int colon = authority.lastIndexOf(':');
        if (colon > 0 && authority.indexOf(']') < colon) {
            return authority.substring(0, colon) + "-shadow" + authority.substring(colon);
        }
        return authority + "-shadow";
    }

    static void send(Proxy proxy, EventLoop loop, ClusterRuntime cluster, FullHttpRequest original, String authority) {
        Endpoint e = cluster.pick(proxy.random(), List.of(), null);
        if (e == null) {
            return;
        }
        FullHttpRequest copy = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, original.method(), original.uri(),
                original.content().retainedDuplicate());
        copy.headers().set(original.headers());
        copy.headers().set(HttpHeaderNames.HOST, shadowAuthority(authority));
        copy.headers().remove(HttpHeaderNames.CONNECTION);
        proxy.addPeerMetadata(copy.headers());
        HttpUtil.setContentLength(copy, copy.content().readableBytes());
        proxy.pool().acquire(loop, e, cluster).addListener(f -> {
            if (!f.isSuccess()) {
                copy.release();
                return;
            }
            Channel ch = (Channel) f.getNow();
            ch.pipeline().get(UpstreamHandler.class).await(new UpstreamHandler.Listener() {
                @Override
                public void onResponse(FullHttpResponse response) {
                    boolean reusable = HttpUtil.isKeepAlive(response);
                    response.release();
                    proxy.pool().release(ch, e, cluster, reusable);
                }

                @Override
                public void onReset(Throwable cause) {
                    ch.close();
                }
            });
            ch.writeAndFlush(copy);
        });
    }
}
