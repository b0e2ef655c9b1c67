package dev.loopmesh.bench.jmh;

import dev.loopmesh.policy.routing.RequestView;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Header handling on the proxy's hot path. {@code Proxy.requestView} and the upstream header copy of
 * {@code UpstreamAttempt.send} are package-private in the data plane: their logic is copied here as it
 * stands, next to leaner variants, so the difference is measured before anyone changes the proxy.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeaderHandlingBenchmark {
    private FullHttpRequest request;

    @Setup
    public void setUp() {
        request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://reviews:9080/reviews/0", Unpooled.EMPTY_BUFFER);
        HttpHeaders h = request.headers();
        h.set("Host", "reviews:9080");
        h.set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)");
        h.set("Accept", "application/json");
        h.set("Accept-Encoding", "gzip, deflate");
        h.set("x-request-id", "5f0c1a2e-7b7d-4c9e-9a3b-3c2d1e0f9a8b");
        h.set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        h.set("end-user", "jason");
        h.set("cookie", "session=abc; theme=dark");
        h.set("x-envoy-peer-metadata-id", "productpage-v1");
        h.set("x-envoy-peer-metadata-namespace", "default");
    }

    @TearDown
    public void tearDown() {
        request.release();
    }

    /** As {@code Proxy.requestView} does it today: a HashMap of lower-cased names, then RequestView copies it again. */
    @Benchmark
    public RequestView requestViewAsToday() {
        Map<String, List<String>> headers = new HashMap<>();
        for (Map.Entry<String, String> e : request.headers()) {
            headers.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(e.getValue());
        }
        return view(headers);
    }

    /** The same view from CharSequence entries, with a presized map and single-value lists (most headers have one value). */
    @Benchmark
    public RequestView requestViewPresized() {
        HttpHeaders hs = request.headers();
        Map<String, List<String>> headers = new HashMap<>(hs.size() * 2);
        var it = hs.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            String name = lower(e.getKey());
            String value = e.getValue().toString();
            List<String> old = headers.putIfAbsent(name, List.of(value));
            if (old != null) {
                List<String> more = new ArrayList<>(old);
                more.add(value);
                headers.put(name, more);
            }
        }
        return view(headers);
    }

    private static String lower(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return s.toString().toLowerCase(Locale.ROOT);
            }
        }
        return s.toString();
    }

    private RequestView view(Map<String, List<String>> headers) {
        String authority = request.headers().get(HttpHeaderNames.HOST, "");
        String uri = request.uri();
        if (uri.startsWith("http://")) {
            int slash = uri.indexOf('/', 7);
            uri = slash < 0 ? "/" : uri.substring(slash);
        }
        return new RequestView(request.method().name(), "http", authority, uri, 9080, headers, "127.1.0.3");
    }

    /** The upstream request's headers as {@code UpstreamAttempt.send} builds them: copy all, drop hop-by-hop, add Envoy's. */
    @Benchmark
    public HttpHeaders upstreamHeadersAsToday() {
        FullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), "/reviews/0", Unpooled.EMPTY_BUFFER);
        out.headers().set(request.headers());
        HttpHeaders h = out.headers();
        h.remove(HttpHeaderNames.CONNECTION);
        h.remove("keep-alive");
        h.remove("proxy-connection");
        h.set("x-envoy-attempt-count", 1);
        h.set("x-envoy-peer-metadata-id", "productpage-v1");
        h.set("x-envoy-peer-metadata-namespace", "default");
        for (String t : List.of("traceparent", "tracestate", "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled",
                "x-b3-flags")) {
            h.remove(t);
        }
        h.set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b8-01");
        return h;
    }

    /** x-request-id as the proxy makes it: a type-4 UUID from SecureRandom. */
    @Benchmark
    public String requestIdSecureRandomUuid() {
        return UUID.randomUUID().toString();
    }

    /** The same shape of id from ThreadLocalRandom (unpredictability is not needed for a request id). */
    @Benchmark
    public String requestIdThreadLocalRandom() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }

    /** One timeline line of the access-log trace as {@code Proxy.recordRequest} formats it. */
    @Benchmark
    public String timelineStepFormat() {
        return String.format(Locale.ROOT, "+%.1fms %s", 1_234_567 / 1e6, "attempt 1 answered 200");
    }

    /** The same text with a StringBuilder and integer tenths of a millisecond. */
    @Benchmark
    public String timelineStepBuilder() {
        long tenths = (1_234_567 + 50_000) / 100_000;
        return new StringBuilder(40).append('+').append(tenths / 10).append('.').append(tenths % 10).append("ms ")
                .append("attempt 1 answered 200").toString();
    }
}
