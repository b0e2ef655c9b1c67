package dev.loopmesh.workload;

import java.util.random.RandomGenerator;

/**
 * A seeded generator shared by the event loops a pod's connections run on. Draws are serialised, so a
 * run that sends its requests one by one draws the same sequence every time.
 */
final class LockedRandom implements RandomGenerator {
    private final RandomGenerator delegate;

    LockedRandom(RandomGenerator delegate) {
        this.delegate = delegate;
    }

    @Override
    public synchronized long nextLong() {
        return delegate.nextLong();
    }

    @Override
    public synchronized double nextDouble() {
        return delegate.nextDouble();
    }

    @Override
    public synchronized double nextGaussian() {
        return delegate.nextGaussian();
    }
}
