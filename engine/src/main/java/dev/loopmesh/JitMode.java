package dev.loopmesh;

import java.lang.management.ManagementFactory;

/** How this JVM compiles: the desktop launchers start it on C1 alone (see the {@code loopmesh} script). */
public final class JitMode {
    private static final boolean C1_ONLY = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .anyMatch(a -> a.matches("-XX:TieredStopAtLevel=[0-3]"));

    private JitMode() {
    }

    /** True when the JVM stops short of C2 ({@code -XX:TieredStopAtLevel} below 4): warm code is slower. */
    public static boolean c1Only() {
        return C1_ONLY;
    }
}
