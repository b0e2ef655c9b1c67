package dev.loopmesh.telemetry.tracing;

import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * One span's place in a trace, as it travels in headers: a 128-bit trace id, this span's 64-bit id, its
 * parent's id (0 for none) and the sampling decision. Reads and writes W3C Trace Context
 * ({@code traceparent}, {@code tracestate}) and B3 (the {@code x-b3-*} headers and the single {@code b3}
 * header), so a request that arrives with one format leaves with both, under the same trace id.
 * Immutable; hex forms are computed once and cached.
 */
public final class TraceContext {
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    public static final String B3 = "b3";
    public static final String B3_TRACE_ID = "x-b3-traceid";
    public static final String B3_SPAN_ID = "x-b3-spanid";
    public static final String B3_PARENT_SPAN_ID = "x-b3-parentspanid";
    public static final String B3_SAMPLED = "x-b3-sampled";
    public static final String B3_FLAGS = "x-b3-flags";
    /** Every header {@link #inject} may write: remove these from an upstream request before injecting. */
    public static final List<String> HEADERS = List.of(TRACEPARENT, TRACESTATE, B3_TRACE_ID, B3_SPAN_ID,
            B3_PARENT_SPAN_ID, B3_SAMPLED, B3_FLAGS, B3);

    private static final int TRACEPARENT_V0_LENGTH = 55;
    private static final int MAX_TRACESTATE = 512;

    private final long traceIdHigh;
    private final long traceIdLow;
    private final long spanId;
    private final long parentSpanId;
    private final boolean sampled;
    private final boolean decided;
    private final boolean debug;
    private final String traceState;
    private String traceIdHex;
    private String spanIdHex;

    private TraceContext(long traceIdHigh, long traceIdLow, long spanId, long parentSpanId, boolean sampled,
                         boolean decided, boolean debug, String traceState) {
        this.traceIdHigh = traceIdHigh;
        this.traceIdLow = traceIdLow;
        this.spanId = spanId;
        this.parentSpanId = parentSpanId;
        this.sampled = sampled || debug;
        this.decided = decided || debug;
        this.debug = debug;
        this.traceState = traceState == null ? "" : traceState;
    }

    /**
     * @throws IllegalArgumentException when the trace id or span id is zero (invalid in both formats)
     */
    public static TraceContext of(long traceIdHigh, long traceIdLow, long spanId, long parentSpanId, boolean sampled) {
        if (traceIdHigh == 0 && traceIdLow == 0) {
            throw new IllegalArgumentException("traceId: 0 (expected: not all zeros)");
        }
        if (spanId == 0) {
            throw new IllegalArgumentException("spanId: 0 (expected: not zero)");
        }
        return new TraceContext(traceIdHigh, traceIdLow, spanId, parentSpanId, sampled, true, false, "");
    }

    /** A new trace: random 128-bit trace id, random span id, no parent. */
    public static TraceContext root(RandomGenerator random, boolean sampled) {
        long high = random.nextLong();
        long low = nonZero(random);
        return new TraceContext(high, low, nonZero(random), 0, sampled, true, false, "");
    }

    /**
     * The context a request arrived with: {@code traceparent} when valid (with {@code tracestate}), else the
     * single {@code b3} header, else the {@code x-b3-*} headers; null when none is present and valid.
     *
     * @param headers a header getter returning null when absent (e.g. Netty's {@code headers::get})
     */
    public static TraceContext fromHeaders(Function<String, String> headers) {
        TraceContext c = parseTraceparent(headers.apply(TRACEPARENT), headers.apply(TRACESTATE));
        if (c != null) {
            return c;
        }
        c = parseB3(headers.apply(B3));
        if (c != null) {
            return c;
        }
        return parseB3Multi(headers.apply(B3_TRACE_ID), headers.apply(B3_SPAN_ID), headers.apply(B3_PARENT_SPAN_ID),
                headers.apply(B3_SAMPLED), headers.apply(B3_FLAGS));
    }

    /** W3C Trace Context {@code version-traceid-parentid-flags}; null when absent or invalid (the spec says: restart). */
    public static TraceContext parseTraceparent(String value, String tracestate) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (v.length() < TRACEPARENT_V0_LENGTH || v.charAt(2) != '-' || v.charAt(35) != '-' || v.charAt(52) != '-') {
            return null;
        }
        boolean[] ok = {true};
        long version = Hex.parse(v, 0, 2, false, ok);
        long high = Hex.parse(v, 3, 16, false, ok);
        long low = Hex.parse(v, 19, 16, false, ok);
        long span = Hex.parse(v, 36, 16, false, ok);
        long flags = Hex.parse(v, 53, 2, false, ok);
        if (!ok[0] || version == 0xff || (high == 0 && low == 0) || span == 0) {
            return null;
        }
        // version 00 has exactly four fields; a later version may append more after a dash
        if (version == 0 ? v.length() != TRACEPARENT_V0_LENGTH
                : v.length() > TRACEPARENT_V0_LENGTH && v.charAt(TRACEPARENT_V0_LENGTH) != '-') {
            return null;
        }
        String state = tracestate == null || tracestate.length() > MAX_TRACESTATE ? "" : tracestate.trim();
        return new TraceContext(high, low, span, 0, (flags & 1) == 1, true, false, state);
    }

    /** The single B3 header {@code traceid-spanid[-sampled[-parentspanid]]}; null when absent, only a decision, or invalid. */
    public static TraceContext parseB3(String value) {
        if (value == null) {
            return null;
        }
        String[] parts = value.trim().split("-", -1);
        if (parts.length < 2 || parts.length > 4) {
            return null;
        }
        String sampled = parts.length > 2 ? parts[2] : null;
        String parent = parts.length > 3 ? parts[3] : null;
        if ("d".equals(sampled)) {
            return parseB3Multi(parts[0], parts[1], parent, null, "1");
        }
        if (sampled != null && !sampled.equals("0") && !sampled.equals("1")) {
            return null;
        }
        return parseB3Multi(parts[0], parts[1], parent, sampled, null);
    }

    /** The {@code x-b3-*} headers; a missing {@code x-b3-sampled} leaves the decision to this proxy. Null when invalid. */
    public static TraceContext parseB3Multi(String traceId, String spanId, String parentSpanId, String sampled, String flags) {
        if (traceId == null || spanId == null) {
            return null;
        }
        String t = traceId.trim();
        String s = spanId.trim();
        if ((t.length() != 16 && t.length() != 32) || s.length() != 16) {
            return null;
        }
        boolean[] ok = {true};
        long high = t.length() == 32 ? Hex.parse(t, 0, 16, true, ok) : 0;
        long low = Hex.parse(t, t.length() - 16, 16, true, ok);
        long span = Hex.parse(s, 0, 16, true, ok);
        long parent = 0;
        if (parentSpanId != null && !parentSpanId.isBlank()) {
            String p = parentSpanId.trim();
            parent = p.length() == 16 ? Hex.parse(p, 0, 16, true, ok) : -1;
            if (p.length() != 16) {
                ok[0] = false;
            }
        }
        if (!ok[0] || (high == 0 && low == 0) || span == 0) {
            return null;
        }
        boolean debug = "1".equals(flags == null ? null : flags.trim());
        String d = sampled == null ? null : sampled.trim();
        boolean decided = "1".equals(d) || "0".equals(d) || "true".equalsIgnoreCase(d) || "false".equalsIgnoreCase(d);
        boolean isSampled = "1".equals(d) || "true".equalsIgnoreCase(d);
        return new TraceContext(high, low, span, parent, isSampled, decided, debug, "");
    }

    /** A span under this one: same trace, sampling and tracestate, new span id, this span as parent. */
    public TraceContext child(RandomGenerator random) {
        return new TraceContext(traceIdHigh, traceIdLow, nonZero(random), spanId, sampled, decided, debug, traceState);
    }

    /** The same context with this proxy's sampling decision (for B3 requests that left it open). */
    public TraceContext withSampled(boolean sampled) {
        return new TraceContext(traceIdHigh, traceIdLow, spanId, parentSpanId, sampled, true, debug, traceState);
    }

    /** {@code 00-<trace id>-<span id>-<flags>} */
    public String traceparent() {
        char[] c = new char[TRACEPARENT_V0_LENGTH];
        c[0] = '0';
        c[1] = '0';
        c[2] = '-';
        Hex.write(traceIdHigh, c, 3);
        Hex.write(traceIdLow, c, 19);
        c[35] = '-';
        Hex.write(spanId, c, 36);
        c[52] = '-';
        c[53] = '0';
        c[54] = sampled ? '1' : '0';
        return new String(c);
    }

    /** The single B3 header: {@code <trace id>-<span id>-<1|0|d>[-<parent span id>]}. */
    public String b3() {
        StringBuilder b = new StringBuilder(70).append(traceIdHex()).append('-').append(spanIdHex()).append('-')
                .append(debug ? 'd' : sampled ? '1' : '0');
        if (parentSpanId != 0) {
            b.append('-').append(Hex.of(parentSpanId));
        }
        return b.toString();
    }

    /**
     * Writes this context into an outgoing request in both formats: {@code traceparent} (and
     * {@code tracestate} when there is one), the {@code x-b3-*} headers and {@code b3}.
     *
     * @param setter a header setter that replaces existing values (e.g. Netty's {@code headers::set})
     */
    public void inject(BiConsumer<String, String> setter) {
        setter.accept(TRACEPARENT, traceparent());
        if (!traceState.isEmpty()) {
            setter.accept(TRACESTATE, traceState);
        }
        setter.accept(B3_TRACE_ID, traceIdHex());
        setter.accept(B3_SPAN_ID, spanIdHex());
        if (parentSpanId != 0) {
            setter.accept(B3_PARENT_SPAN_ID, Hex.of(parentSpanId));
        }
        setter.accept(B3_SAMPLED, sampled ? "1" : "0");
        if (debug) {
            setter.accept(B3_FLAGS, "1");
        }
        setter.accept(B3, b3());
    }

    public String traceIdHex() {
        String s = traceIdHex;
        if (s == null) {
            s = Hex.of(traceIdHigh, traceIdLow);
            traceIdHex = s;
        }
        return s;
    }

    public String spanIdHex() {
        String s = spanIdHex;
        if (s == null) {
            s = Hex.of(spanId);
            spanIdHex = s;
        }
        return s;
    }

    /** The parent span's id in hex, or "" for a root. */
    public String parentSpanIdHex() {
        return parentSpanId == 0 ? "" : Hex.of(parentSpanId);
    }

    public long traceIdHigh() {
        return traceIdHigh;
    }

    public long traceIdLow() {
        return traceIdLow;
    }

    public long spanId() {
        return spanId;
    }

    /** 0 when this span has no parent. */
    public long parentSpanId() {
        return parentSpanId;
    }

    public boolean sampled() {
        return sampled;
    }

    /** False only for B3 requests without {@code x-b3-sampled}: the receiving proxy decides. */
    public boolean hasSamplingDecision() {
        return decided;
    }

    public boolean debug() {
        return debug;
    }

    public String traceState() {
        return traceState;
    }

    private static long nonZero(RandomGenerator random) {
        long v;
        do {
            v = random.nextLong();
        } while (v == 0);
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TraceContext c && c.traceIdHigh == traceIdHigh && c.traceIdLow == traceIdLow
                && c.spanId == spanId && c.parentSpanId == parentSpanId && c.sampled == sampled && c.decided == decided
                && c.debug == debug && c.traceState.equals(traceState);
    }

    @Override
    public int hashCode() {
        return Objects.hash(traceIdHigh, traceIdLow, spanId, parentSpanId, sampled, decided, debug, traceState);
    }

    @Override
    public String toString() {
        return traceparent() + (parentSpanId == 0 ? "" : " parent=" + Hex.of(parentSpanId));
    }
}
