package dev.loopmesh.app.perf;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time spent by the two threads that make a frame: the FX application thread (animation, canvas
 * commands, layout, CSS) and Prism's renderer thread (rasterising and compositing). Unlike frame times,
 * these hardly change when other processes compete for the cores, so they are the figures to compare
 * between runs on a busy machine. Create it on the FX thread.
 */
final class RenderCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final long fxThread;
    private final long renderThread;
    private final long pollerThread;
    private long fxStart;
    private long renderStart;
    private long pollerStart;
    private long processStart;

    RenderCpu() {
        fxThread = Thread.currentThread().getId();
        renderThread = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("QuantumRenderer"))
                .mapToLong(Thread::getId).findFirst().orElse(-1);
        pollerThread = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("loopmesh-ui-poller"))
                .mapToLong(Thread::getId).findFirst().orElse(-1);
        reset();
    }

    void reset() {
        fxStart = cpu(fxThread);
        renderStart = cpu(renderThread);
        pollerStart = cpu(pollerThread);
        processStart = process();
    }

    /** What the two threads and the whole process spent over {@code seconds}, and per frame that changed the picture. */
    String describe(dev.loopmesh.app.graph.FrameStats stats, double seconds) {
        double s = Math.max(0.001, seconds);
        double render = (cpu(renderThread) - renderStart) / 1e6;
        return String.format(java.util.Locale.ROOT,
                "CPU: FX thread %.2f cores, renderer %.2f cores (%.1f ms a drawn frame; %d frames drawn, %d whole repaints), UI poller %.2f cores;"
                        + " process %.2f cores",
                (cpu(fxThread) - fxStart) / 1e9 / s, render / 1e3 / s, render / Math.max(1, stats.drawnFrames()), stats.drawnFrames(),
                stats.repaints(), (cpu(pollerThread) - pollerStart) / 1e9 / s, (process() - processStart) / 1e9 / s);
    }

    private static long cpu(long id) {
        return id < 0 ? 0 : Math.max(0, THREADS.getThreadCpuTime(id));
    }

    private static long process() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }
}
