package dev.loopmesh.chaos;

/**
 * Paces one connection's data in one direction at a fixed rate (Toxiproxy's {@code bandwidth} toxic):
 * each chunk goes out once the link has had the time to carry it and everything before it. Time is the
 * caller's nanosecond clock. One pacer per connection and direction.
 */
public final class BandwidthPacer {
    private final long bytesPerSecond;
    private final double nanosPerByte;
    private long nextFree = Long.MIN_VALUE;

    /** @param bytesPerSecond the rate in real time (the time scale already applied) */
    public BandwidthPacer(long bytesPerSecond) {
        if (bytesPerSecond < 1) {
            throw new IllegalArgumentException("bytesPerSecond: " + bytesPerSecond + " (expected: >= 1)");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.nanosPerByte = 1e9 / bytesPerSecond;
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /**
     * Reserves the link for {@code bytes} and says how long from {@code now} to hold them before writing
     * them (0: write now). Call it in write order; the bytes count as sent at that time.
     */
    public synchronized long reserve(long bytes, long now) {
        long from = nextFree == Long.MIN_VALUE || now - nextFree > 0 ? now : nextFree;
        long done = from + Math.round(bytes * nanosPerByte);
        nextFree = done;
        return done - now;
    }
}
