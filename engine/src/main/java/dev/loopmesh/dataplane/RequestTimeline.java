package dev.loopmesh.dataplane;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;

/**
 * What happened to one request, in order: the route decision, each attempt, timers, faults.
 * Written on one event loop; read after the request completed. Lines given as a {@link Supplier}
 * are only written out when someone reads them (most requests' timelines are never read).
 */
public final class RequestTimeline {
    /** One step, at {@code atNanos} after the request started (real time). */
    public record Step(long atNanos, String what) {
    }

    private final long startNanos;
    private long[] at = new long[8];
    private Object[] what = new Object[8];
    private int size;

    public RequestTimeline(long startNanos) {
        this.startNanos = startNanos;
    }

    public void add(long nowNanos, String what) {
        append(nowNanos, what);
    }

    /** A step whose text is made only if the timeline is read. */
    public void add(long nowNanos, Supplier<String> what) {
        append(nowNanos, what);
    }

    private void append(long nowNanos, Object w) {
        if (size == at.length) {
            at = Arrays.copyOf(at, size * 2);
            what = Arrays.copyOf(what, size * 2);
        }
        at[size] = nowNanos - startNanos;
        what[size] = w;
        size++;
    }

    public List<Step> steps() {
        Step[] out = new Step[size];
        for (int i = 0; i < size; i++) {
            out[i] = new Step(at[i], text(what[i]));
        }
        return List.of(out);
    }

    /**
     * The steps as {@code +12.3ms what} lines, written out when first read (then kept).
     *
     * @param configured converts real nanoseconds to the mesh's configured time (the time scale)
     */
    List<String> lines(LongUnaryOperator configured) {
        int n = size;
        long[] atCopy = Arrays.copyOf(at, n);
        Object[] whatCopy = Arrays.copyOf(what, n);
        return new AbstractList<>() {
            private final String[] rendered = new String[n];

            @Override
            public String get(int i) {
                String s = rendered[i];
                if (s == null) {
                    Object w = whatCopy[i];
                    String text = text(w);
                    // "+12.3ms what": built by hand, String.format costs a Formatter and a regex per line
                    long tenths = configured.applyAsLong(atCopy[i]) / 100_000;
                    s = new StringBuilder(text.length() + 12).append('+').append(tenths / 10).append('.').append(tenths % 10)
                            .append("ms ").append(text).toString();
                    rendered[i] = s;
                }
                return s;
            }

            @Override
            public int size() {
                return n;
            }
        };
    }

    private static String text(Object w) {
        return w instanceof String ? (String) w : ((Supplier<?>) w).get().toString();
    }

    public long startNanos() {
        return startNanos;
    }
}
