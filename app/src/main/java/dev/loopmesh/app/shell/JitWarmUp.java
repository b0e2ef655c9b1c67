package dev.loopmesh.app.shell;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * Whether the JVM is still compiling the mesh's code, measured rather than guessed: the JIT compilers' time per
 * second of wall clock. Every proxy, emulated app and the app itself share one JVM, and in its first minute code
 * that is not compiled yet runs several times slower; a big mesh then answers late and its first calls time
 * out. The status line says so while it lasts, so nobody reads the JIT's warm-up as the mesh's latency.
 */
final class JitWarmUp {
    /**
     * Compiling for more than this share of a second (summed over the compiler threads, as the JVM reports it,
     * time waiting for a core included), the JVM is warming up. Measured on 2 cores with jstat, with the full
     * JIT: Bookinfo's JVM compiles 1.2–1.5 s a second in its first 10 s (when its p99 is still seconds), 0.2–0.5
     * after; the 200-service mesh 1–1.9 for a minute, then under 0.5.
     */
    static final double BUSY = 0.9;
    /** The same with C1 alone (how `./loopmesh` starts the desktop app): the 200-service mesh 0.4–0.5 s a second in its first 8 s, then under 0.1. */
    static final double BUSY_C1 = 0.25;
    /** Seconds in a row under the threshold before it counts as settled. */
    static final int QUIET_SECONDS = 3;

    private final LongSupplier compileMillis;
    private final double threshold;
    private long lastMillis = -1;
    private long lastNanos;
    private int quiet;
    private boolean warming;
    private double busy;

    JitWarmUp(LongSupplier compileMillis, double threshold) {
        this.compileMillis = compileMillis;
        this.threshold = threshold;
    }

    /** The running JVM's JIT, or null when it does not report its compile time. */
    static JitWarmUp ofThisJvm() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return null;
        }
        return new JitWarmUp(jit::getTotalCompilationTime, dev.loopmesh.JitMode.c1Only() ? BUSY_C1 : BUSY);
    }

    /** Takes a reading at {@code nanoTime}; a verdict changes once a second at most. Returns whether it is warming up. */
    boolean update(long nanoTime) {
        long millis = compileMillis.getAsLong();
        if (lastMillis < 0) {
            lastMillis = millis;
            lastNanos = nanoTime;
            return warming;
        }
        long elapsed = nanoTime - lastNanos;
        if (elapsed < 1_000_000_000L) {
            return warming;
        }
        busy = (millis - lastMillis) * 1e6 / elapsed;
        lastMillis = millis;
        lastNanos = nanoTime;
        if (busy > threshold) {
            warming = true;
            quiet = 0;
        } else if (++quiet >= QUIET_SECONDS) {
            warming = false;
        }
        return warming;
    }

    /** What the status line adds while warming up, or "". */
    String describe() {
        return warming ? " · warming up: the JVM is still compiling the mesh's code, which can slow requests until it settles" : "";
    }
}
