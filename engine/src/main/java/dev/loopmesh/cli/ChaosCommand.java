package dev.loopmesh.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code loopmesh chaos …}: break pods and links of a running mesh, on purpose, for a while. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Infrastructure faults no policy can express: kill, pause or restart a pod, make it refuse "
                + "connections, add latency, a bandwidth cap, a stall, slicing or resets on a link, partition two services.",
        subcommands = {ChaosCommand.Apply.class, ChaosCommand.Ls.class, ChaosCommand.Rm.class, ChaosCommand.Kill.class,
                ChaosCommand.Pause.class, ChaosCommand.Restart.class, ChaosCommand.Refuse.class, ChaosCommand.Latency.class,
                ChaosCommand.Bandwidth.class, ChaosCommand.Stall.class, ChaosCommand.Slice.class, ChaosCommand.Reset.class, ChaosCommand.Partition.class, ChaosCommand.Events.class})
public class ChaosCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("error: a chaos command is needed (see: loopmesh chaos --help)");
        return LoopmeshCli.BAD_INPUT;
    }

    /** Options every chaos verb takes. */
    static class Common {
        @Option(names = "--admin-port", defaultValue = "15000", description = "The running mesh's admin port (default: ${DEFAULT-VALUE}).")
        int adminPort;
    }

    /** Options of the verbs that start a fault. */
    static class Timing {
        @Option(names = "--at", paramLabel = "DURATION", description = "Start after this long (default: now).")
        String at;

        @Option(names = "--for", paramLabel = "DURATION", description = "Last this long (default: until `chaos rm`).")
        String duration;

        @Option(names = "--name", description = "An id for the fault (default: chaos-N).")
        String name;

        String wrap(String fault) {
            StringBuilder sb = new StringBuilder();
            if (name != null) {
                sb.append("apiVersion: loopmesh.dev/v1\nkind: Chaos\nmetadata: {name: ").append(name).append("}\nspec:\n");
                sb.append(indent(fault, "  "));
                appendTiming(sb, "  ");
            } else {
                sb.append(fault);
                appendTiming(sb, "");
            }
            return sb.toString();
        }

        private void appendTiming(StringBuilder sb, String indent) {
            if (at != null) {
                sb.append(indent).append("start: ").append(at).append('\n');
            }
            if (duration != null) {
                sb.append(indent).append("duration: ").append(duration).append('\n');
            }
        }

        private static String indent(String s, String indent) {
            return indent + s.replace("\n", "\n" + indent).replaceAll(" +$", "");
        }
    }

    static int post(int adminPort, String yaml) {
        HttpResponse<String> r = new AdminClient(adminPort).postYaml("/api/chaos", yaml);
        (r.statusCode() < 300 ? System.out : System.err).print(r.body());
        return r.statusCode() < 300 ? LoopmeshCli.OK : r.statusCode() == 400 || r.statusCode() == 409 ? LoopmeshCli.BAD_INPUT : LoopmeshCli.FINDINGS;
    }

    @Command(name = "apply", mixinStandardHelpOptions = true, description = "Apply Chaos documents from a file.")
    static class Apply implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + ": no such file");
            }
            int worst = LoopmeshCli.OK;
            for (String doc : Files.readString(file).split("(?m)^---\\s*$")) {
                if (!doc.isBlank()) {
                    worst = Math.max(worst, post(common.adminPort, doc));
                }
            }
            return worst;
        }
    }

    /** A verb that prints what the admin API holds under one path. */
    abstract static class Show implements Callable<Integer> {
        @Mixin
        Common common;

        private final String path;

        Show(String path) {
            this.path = path;
        }

        @Override
        public Integer call() {
            System.out.print(new AdminClient(common.adminPort).get(path).body());
            return LoopmeshCli.OK;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List active and scheduled faults.")
    static class Ls extends Show {
        Ls() {
            super("/api/chaos");
        }
    }

    @Command(name = "events", mixinStandardHelpOptions = true, description = "When each fault started and ended.")
    static class Events extends Show {
        Events() {
            super("/api/chaos/events");
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove a fault by id (the pod or link heals).")
    static class Rm implements Callable<Integer> {
        @Mixin
        Common common;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            HttpResponse<String> r = new AdminClient(common.adminPort).delete("/api/chaos/" + id);
            (r.statusCode() == 200 ? System.out : System.err).print(r.body());
            return r.statusCode() == 200 ? LoopmeshCli.OK : LoopmeshCli.FINDINGS;
        }
    }

    abstract static class PodVerb implements Callable<Integer> {
        @Mixin
        Common common;
        @Mixin
        Timing timing;

        @Parameters(paramLabel = "POD", description = "A pod, like ratings-v1-0.")
        String pod;

        abstract String verb();

        String extra() {
            return "";
        }

        @Override
        public Integer call() {
            return post(common.adminPort, timing.wrap(verb() + ": {pod: " + pod + extra() + "}\n"));
        }
    }

    @Command(name = "kill", mixinStandardHelpOptions = true, description = "Stop a pod's app: connections to it are refused.")
    static class Kill extends PodVerb {
        @Override
        String verb() {
            return "kill";
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Freeze a pod's app: it accepts but never answers.")
    static class Pause extends PodVerb {
        @Override
        String verb() {
            return "pause";
        }
    }

    @Command(name = "refuse", mixinStandardHelpOptions = true, description = "Make a pod refuse new connections.")
    static class Refuse extends PodVerb {
        @Override
        String verb() {
            return "refuse";
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true, description = "Stop a pod's app and start it again.")
    static class Restart extends PodVerb {
        @Option(names = "--downtime", defaultValue = "1s", description = "How long it stays down (default: ${DEFAULT-VALUE}).")
        String downtime;

        @Override
        String verb() {
            return "restart";
        }

        @Override
        String extra() {
            return ", downtime: " + downtime;
        }
    }

    abstract static class LinkVerb implements Callable<Integer> {
        @Mixin
        Common common;
        @Mixin
        Timing timing;

        @Option(names = "--from", required = true, description = "The caller: a pod, workload or service, or *.")
        String from;

        @Option(names = "--to", required = true, description = "The callee: a pod, workload or service, or *.")
        String to;

        @Option(names = "--direction", defaultValue = "response", description = "request, response or both (default: ${DEFAULT-VALUE}).")
        String direction;

        /** Posts {@code fault: {from: …, to: …<settings>}}; settings start with ", ". */
        int postLink(String fault, String settings) {
            return post(common.adminPort, timing.wrap(fault + ": {from: " + from + ", to: " + to + settings + "}\n"));
        }
    }

    @Command(name = "latency", mixinStandardHelpOptions = true, description = "Add latency (with jitter) on a link.")
    static class Latency extends LinkVerb {
        @Option(names = "--latency", required = true, paramLabel = "DURATION")
        String latency;

        @Option(names = "--jitter", defaultValue = "0ms", paramLabel = "DURATION")
        String jitter;

        @Override
        public Integer call() {
            return postLink("latency", ", latency: " + latency + ", jitter: " + jitter + ", direction: " + direction);
        }
    }

    @Command(name = "bandwidth", mixinStandardHelpOptions = true, description = "Cap the bytes per second on a link (Toxiproxy bandwidth).")
    static class Bandwidth extends LinkVerb {
        @Option(names = "--bytes-per-second", required = true, paramLabel = "N")
        long bytesPerSecond;

        @Override
        public Integer call() {
            return postLink("bandwidth", ", bytesPerSecond: " + bytesPerSecond + ", direction: " + direction);
        }
    }

    @Command(name = "stall", mixinStandardHelpOptions = true,
            description = "Stop data on a link; with --timeout, close the connection after that long (Toxiproxy timeout).")
    static class Stall extends LinkVerb {
        @Option(names = "--timeout", defaultValue = "0s", paramLabel = "DURATION",
                description = "Close after this long; 0s holds the data until the fault ends (default: ${DEFAULT-VALUE}).")
        String timeout;

        @Override
        public Integer call() {
            return postLink("stall", ", timeout: " + timeout + ", direction: " + direction);
        }
    }

    @Command(name = "slice", mixinStandardHelpOptions = true,
            description = "Cut bodies on a link into slices sent a delay apart (Toxiproxy slicer).")
    static class Slice extends LinkVerb {
        @Option(names = "--average-size", required = true, paramLabel = "BYTES")
        int averageSize;

        @Option(names = "--size-variation", defaultValue = "0", paramLabel = "BYTES", description = "± bytes, below the average (default: ${DEFAULT-VALUE}).")
        int sizeVariation;

        @Option(names = "--delay", defaultValue = "0ms", paramLabel = "DURATION", description = "Between slices (default: ${DEFAULT-VALUE}).")
        String delay;

        @Override
        public Integer call() {
            return postLink("slice", ", averageSize: " + averageSize + ", sizeVariation: " + sizeVariation + ", delay: " + delay + ", direction: " + direction);
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true, description = "Reset connections on a link with a probability.")
    static class Reset extends LinkVerb {
        @Option(names = "--probability", defaultValue = "1", description = "0..1 (default: ${DEFAULT-VALUE}).")
        double probability;

        @Override
        public Integer call() {
            return postLink("reset", ", probability: " + probability);
        }
    }

    @Command(name = "partition", mixinStandardHelpOptions = true, description = "Cut two services (or workloads, pods) apart.")
    static class Partition implements Callable<Integer> {
        @Mixin
        Common common;
        @Mixin
        Timing timing;

        @Parameters(arity = "2", paramLabel = "SIDE")
        java.util.List<String> sides;

        @Override
        public Integer call() {
            return post(common.adminPort, timing.wrap("partition: {between: [" + sides.get(0) + ", " + sides.get(1) + "]}\n"));
        }
    }
}
