package dev.loopmesh.app.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Lets the window go first when the machine is short of CPU: on Linux, the mesh's event-loop threads
 * get a nice value of {@value #NICE}, so a mesh that wants every core (200 services under load) slows
 * its own requests a little rather than the graph's frames. Java has no call for a thread's nice value
 * ({@code Thread.setPriority} is ignored on Linux without a JVM flag that warns when not root), so this
 * asks {@code renice} with the threads' ids from {@code /proc}. Elsewhere, or without {@code renice},
 * it does nothing.
 */
public final class MeshPriority {
    static final int NICE = 10;
    private static final Logger LOG = Logger.getLogger(MeshPriority.class.getName());
    /** Netty's names for the engine's event loops: {@code loopmesh-<pool>-<n>} (the app's own threads are {@code loopmesh-ui-…}). */
    private static final Pattern EVENT_LOOP = Pattern.compile("loopmesh-\\d+-\\d+");
    private static final Path TASKS = Path.of("/proc/self/task");

    private MeshPriority() {
    }

    /** Lowers the priority of the event loops running now; returns how many it asked for. Blocks briefly: not on the FX thread. */
    public static int lowerEventLoops() {
        if (!Files.isDirectory(TASKS)) {
            return 0;
        }
        List<String> tids = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    if (EVENT_LOOP.matcher(Files.readString(t.resolve("comm")).strip()).matches()) {
                        tids.add(t.getFileName().toString());
                    }
                } catch (IOException gone) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException e) {
            return 0;
        }
        if (tids.isEmpty()) {
            return 0;
        }
        List<String> command = new ArrayList<>(List.of("renice", "-n", Integer.toString(NICE), "-p"));
        command.addAll(tids);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor();
            return p.exitValue() == 0 ? tids.size() : 0;
        } catch (IOException e) {
            LOG.log(Level.FINE, "renice is not available", e);
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
