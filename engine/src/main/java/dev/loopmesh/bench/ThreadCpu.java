package dev.loopmesh.bench;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of a set of threads (the event loops the mesh runs on), read through ThreadMXBean. Unlike the
 * process's CPU time, it leaves out JIT compilation, JFR and the bench client; garbage collection is
 * reported apart ({@link #gcMillis()}), as its pauses.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final long[] ids;

    private ThreadCpu(long[] ids) {
        this.ids = ids;
    }

    /** The threads of every executor of {@code group} (asks each for its thread once). */
    static ThreadCpu of(EventExecutorGroup group) {
        List<Long> ids = new ArrayList<>();
        for (EventExecutor e : group) {
            try {
                ids.add(e.submit(() -> Thread.currentThread().getId()).get(10, TimeUnit.SECONDS));
            } catch (Exception ex) {
                throw new IllegalStateException("cannot reach an event loop: " + ex, ex);
            }
        }
        return new ThreadCpu(ids.stream().mapToLong(Long::longValue).toArray());
    }

    long nanos() {
        long sum = 0;
        for (long id : ids) {
            long t = THREADS.getThreadCpuTime(id);
            if (t > 0) {
                sum += t;
            }
        }
        return sum;
    }

    /** Bytes of heap the threads have allocated so far: unlike CPU time, the same on a busy machine as on an idle one. */
    long allocatedBytes() {
        if (THREADS instanceof com.sun.management.ThreadMXBean) {
            long sum = 0;
            for (long b : ((com.sun.management.ThreadMXBean) THREADS).getThreadAllocatedBytes(ids)) {
                sum += Math.max(0, b);
            }
            return sum;
        }
        return -1;
    }

    /** Total time of the JVM's collections so far (pauses, and concurrent cycles where the collector counts them). */
    static long gcMillis() {
        long sum = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }
}
