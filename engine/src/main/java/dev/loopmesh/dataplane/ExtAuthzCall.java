package dev.loopmesh.dataplane;

import dev.loopmesh.policy.authz.ExtAuthzProvider;
import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.policy.routing.Endpoint;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One check of Envoy's ext_authz filter against an HTTP authorization service (an Istio
 * {@code envoyExtAuthzHttp} provider), sent through this proxy's own cluster for the service, so
 * that load balancing and auto mTLS apply as to any call. The check carries the request's method,
 * {@code pathPrefix} + path, Host, Authorization and the headers the provider includes, with no body.
 * A 200 allows; another status below 500 denies with that status, body and headers; a 5xx, no
 * answer within the provider's timeout, or no way to reach it is a failed check.
 */
final class ExtAuthzCall {
    /** What came of a check. */
    enum Kind { ALLOWED, DENIED, FAILED }

    /**
     * @param headers on ALLOWED the headers to set on the request sent upstream, on DENIED those for the client
     * @param downstreamOnAllow on ALLOWED the headers to set on the response to the client
     */
    record Outcome(Kind kind, int status, String body, List<Map.Entry<String, String>> headers,
                   List<Map.Entry<String, String>> downstreamOnAllow, String detail) {
        Outcome {
            headers = List.copyOf(headers);
            downstreamOnAllow = List.copyOf(downstreamOnAllow);
        }

        static Outcome failed(String detail) {
            return new Outcome(Kind.FAILED, 0, "", List.of(), List.of(), detail);
        }
    }

    private ExtAuthzCall() {
    }

    /** The cluster of {@code provider}'s service in {@code proxy}'s snapshot, or null. */
    static ClusterRuntime cluster(Proxy proxy, ExtAuthzProvider provider) {
        String host = provider.host();
        ClusterRuntime c = proxy.cluster(ClusterConfig.name("outbound", provider.port(), "", host));
        if (c == null && host.indexOf('.') < 0) {
            // a short name, as a Kubernetes pod would resolve it: the proxy's own namespace
            c = proxy.cluster(ClusterConfig.name("outbound", provider.port(), "", host + "." + proxy.identity().namespace() + ".svc.cluster.local"));
        }
        return c;
    }

    /** Sends the check for {@code original} on {@code loop}; the future never fails, a failure is an outcome. */
    static Future<Outcome> check(Proxy proxy, EventLoop loop, ExtAuthzProvider provider, FullHttpRequest original) {
        Promise<Outcome> result = loop.newPromise();
        ClusterRuntime cluster = cluster(proxy, provider);
        if (cluster == null) {
            return result.setSuccess(Outcome.failed("ext_authz cluster outbound|" + provider.port() + "||" + provider.host() + " does not exist"));
        }
        Endpoint e = cluster.pick(proxy.random(), List.of(), null);
        if (e == null) {
            return result.setSuccess(Outcome.failed("no healthy upstream for " + provider.host()));
        }
        FullHttpRequest check = request(provider, original);
        Channel[] inFlight = new Channel[1];
        ScheduledFuture<?> timer = loop.schedule(() -> {
            if (result.trySuccess(Outcome.failed("no answer within " + provider.timeout().toMillis() + "ms")) && inFlight[0] != null) {
                inFlight[0].close(); // Envoy resets the check's stream: the connection cannot carry another request
            }
        }, proxy.timeScale().scaleNanos(provider.timeout()), TimeUnit.NANOSECONDS);
        result.addListener(f -> timer.cancel(false));
        proxy.pool().acquire(loop, e, cluster).addListener(f -> {
            if (!f.isSuccess()) {
                check.release();
                result.trySuccess(Outcome.failed("cannot connect to " + e.hostPort() + ": " + UpstreamPool.describe(f.cause())));
                return;
            }
            Channel ch = (Channel) f.getNow();
            if (result.isDone()) {
                check.release();
                proxy.pool().release(ch, e, cluster, true);
                return;
            }
            inFlight[0] = ch;
            ch.pipeline().get(UpstreamHandler.class).await(new UpstreamHandler.Listener() {
                @Override
                public void onResponse(FullHttpResponse response) {
                    try {
                        result.trySuccess(outcome(provider, response));
                        proxy.pool().release(ch, e, cluster, HttpUtil.isKeepAlive(response));
                    } finally {
                        response.release();
                    }
                }

                @Override
                public void onReset(Throwable cause) {
                    ch.close();
                    result.trySuccess(Outcome.failed("connection to " + e.hostPort() + " reset: " + UpstreamPool.describe(cause)));
                }
            });
            ch.writeAndFlush(check);
        });
        return result;
    }

    /** The check request: Envoy's raw HTTP client copies the allowed headers and sends no body. */
    static FullHttpRequest request(ExtAuthzProvider provider, FullHttpRequest original) {
        FullHttpRequest check = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, original.method(), provider.pathPrefix() + pathOf(original.uri()),
                Unpooled.EMPTY_BUFFER);
        for (Map.Entry<String, String> h : original.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals("content-length") && provider.sendsRequestHeader(name)) {
                check.headers().add(name, h.getValue());
            }
        }
        provider.includeAdditionalHeadersInCheck().forEach((k, v) -> check.headers().set(k, v));
        HttpUtil.setContentLength(check, 0);
        return check;
    }

    private static String pathOf(String uri) {
        if (uri.startsWith("http://") || uri.startsWith("https://")) {
            int slash = uri.indexOf('/', uri.indexOf("//") + 2);
            return slash < 0 ? "/" : uri.substring(slash);
        }
        return uri;
    }

    static Outcome outcome(ExtAuthzProvider provider, FullHttpResponse response) {
        int status = response.status().code();
        if (status >= 500) {
            return Outcome.failed("the authorization service answered " + status);
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        List<Map.Entry<String, String>> downstream = new ArrayList<>();
        for (Map.Entry<String, String> h : response.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("content-length") || name.equals("transfer-encoding") || name.equals("connection") || name.equals("keep-alive")) {
                continue; // hop by hop, or recomputed for the reply
            }
            if (status == 200) {
                if (provider.passesUpstreamOnAllow(name)) {
                    headers.add(Map.entry(name, h.getValue()));
                }
                if (provider.passesDownstreamOnAllow(name)) {
                    downstream.add(Map.entry(name, h.getValue()));
                }
            } else if (provider.passesOnDeny(name)) {
                headers.add(Map.entry(name, h.getValue()));
            }
        }
        if (status == 200) {
            return new Outcome(Kind.ALLOWED, 200, "", headers, downstream, "allowed");
        }
        return new Outcome(Kind.DENIED, status, response.content().toString(StandardCharsets.UTF_8), headers, List.of(), "denied with " + status);
    }
}
