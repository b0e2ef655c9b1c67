package dev.loopmesh.app.shell;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class JitWarmUpTest {
    static final long SECOND = 1_000_000_000L;
    final AtomicLong compiled = new AtomicLong();
    final JitWarmUp jit = new JitWarmUp(compiled::get, JitWarmUp.BUSY);

    @Test
    void busyCompilingIsWarmingUpUntilThreeQuietSecondsInARow() {
        assertThat(jit.update(0)).isFalse();
        compiled.addAndGet(1400); // compiling 1.4 s of the second (two compiler threads)
        assertThat(jit.update(SECOND)).isTrue();
        assertThat(jit.describe()).contains("warming up").contains("still compiling");

        compiled.addAndGet(1300);
        assertThat(jit.update(SECOND + SECOND / 2)).as("a verdict once a second at most").isTrue();
        assertThat(jit.update(2 * SECOND)).isTrue();

        compiled.addAndGet(200);
        assertThat(jit.update(3 * SECOND)).isTrue();
        compiled.addAndGet(1500);
        assertThat(jit.update(4 * SECOND)).as("busy again: the quiet count starts over").isTrue();
        compiled.addAndGet(300);
        jit.update(5 * SECOND);
        jit.update(6 * SECOND);
        assertThat(jit.update(7 * SECOND)).isFalse();
        assertThat(jit.describe()).isEmpty();
    }

    @Test
    void thisJvmReportsItsCompileTime() {
        JitWarmUp own = JitWarmUp.ofThisJvm();
        assertThat(own).isNotNull();
        assertThat(own.update(System.nanoTime())).isFalse();
    }
}
