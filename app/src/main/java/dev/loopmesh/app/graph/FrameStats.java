package dev.loopmesh.app.graph;

import java.util.Arrays;

/** Frame-to-frame times of an animation, in a ring of the last {@value #SIZE}: what the perf report prints. */
public final class FrameStats {
    static final int SIZE = 4096;

    private final long[] nanos = new long[SIZE];
    private long count;
    private long last;
    private long drawn;
    private long repaints;

    /** Called with each pulse's timestamp ({@code AnimationTimer.handle}). */
    public void frame(long now) {
        if (last != 0) {
            nanos[(int) (count++ % SIZE)] = now - last;
        }
        last = now;
    }

    /** Called when a frame changed what a canvas shows (so the renderer has work to do). */
    public void drawn() {
        drawn++;
    }

    /** Called when a frame repainted the whole static picture. */
    public void repainted() {
        repaints++;
    }

    public void reset() {
        count = 0;
        last = 0;
        drawn = 0;
        repaints = 0;
    }

    /** Frames that repainted the static picture since the reset. */
    public long repaints() {
        return repaints;
    }

    /** Frames that changed a canvas since the reset. */
    public long drawnFrames() {
        return drawn;
    }

    public long frames() {
        return count;
    }

    /** The q-quantile (0..1) of the recorded frame times, in milliseconds; NaN with none. */
    public double percentileMillis(double q) {
        int n = (int) Math.min(count, SIZE);
        if (n == 0) {
            return Double.NaN;
        }
        long[] copy = Arrays.copyOf(nanos, n);
        Arrays.sort(copy);
        int i = (int) Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
        return copy[i] / 1e6;
    }

    public double meanFps() {
        int n = (int) Math.min(count, SIZE);
        if (n == 0) {
            return 0;
        }
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += nanos[i];
        }
        return n / (sum / 1e9);
    }
}
