package dev.loopmesh.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The machine a run was taken on: figures mean little without it.
 *
 * @param loadAverage the 1-minute load average when the run started (other work on the machine skews figures)
 */
record Machine(int cores, String model, String jvm, String os, double loadAverage) {

    static Machine current() {
        String model = "unknown";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the model stays unknown
        }
        String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                // the desktop launchers run C1 alone (see ./loopmesh): warm code is slower than the full JIT's
                + (dev.loopmesh.JitMode.c1Only() ? " (C1 only: slower than the full JIT; -XX:TieredStopAtLevel=4 restores it)" : "");
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
        return new Machine(Runtime.getRuntime().availableProcessors(), model, jvm, os, currentLoad());
    }

    /** The 1-minute load average now, NaN where the platform does not tell. */
    static double currentLoad() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? Double.NaN : l;
    }

    /** One line: what the JSON's {@code machine} holds and the table's header shows. */
    String describe() {
        return String.format(Locale.ROOT, "%d cores, %s, %s, %s, load %.2f", cores, model, jvm, os, loadAverage);
    }
}
