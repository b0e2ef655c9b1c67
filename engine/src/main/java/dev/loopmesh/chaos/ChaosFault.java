package dev.loopmesh.chaos;

import dev.loopmesh.topology.Durations;

import java.time.Duration;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * An infrastructure failure no mesh policy can express. Pod faults act on one pod's app (its sidecar
 * stays); link faults act on the traffic from one side to the other, where a side is a pod, a workload
 * or a service name, or {@code *} for any (Toxiproxy's toxics, at any hop).
 */
public sealed interface ChaosFault {
    String describe();

    /** The pod's app stops (connections refused) until the fault ends, then starts again. */
    record KillPod(String pod) implements ChaosFault {
        public KillPod {
            requireNonNull(pod, "pod");
        }

        @Override
        public String describe() {
            return "kill pod " + pod;
        }
    }

    /** The pod's app stops and starts again after {@code downtime} (0: at once): a crash and a restart. */
    record RestartPod(String pod, Duration downtime) implements ChaosFault {
        public RestartPod {
            requireNonNull(pod, "pod");
            downtime = downtime == null ? Duration.ZERO : downtime;
            if (downtime.isNegative()) {
                throw new IllegalArgumentException("downtime: " + downtime + " (expected: >= 0)");
            }
        }

        @Override
        public String describe() {
            return "restart pod " + pod + (downtime.isZero() ? "" : " (down " + Durations.format(downtime) + ")");
        }
    }

    /** The pod's app freezes: connections are accepted by the kernel but nothing is read or answered. */
    record PausePod(String pod) implements ChaosFault {
        public PausePod {
            requireNonNull(pod, "pod");
        }

        @Override
        public String describe() {
            return "pause pod " + pod;
        }
    }

    /** The pod refuses new connections (its sidecar's inbound listener), while established ones go on. */
    record RefuseConnections(String pod) implements ChaosFault {
        public RefuseConnections {
            requireNonNull(pod, "pod");
        }

        @Override
        public String describe() {
            return "pod " + pod + " refuses connections";
        }
    }

    /** A link fault: it names the traffic it acts on. */
    sealed interface LinkChaos extends ChaosFault {
        String from();

        String to();

        default String link() {
            return from() + " → " + to();
        }
    }

    /** Toxiproxy {@code latency}: each chunk of data is delayed by {@code latency ± jitter} (uniform). */
    record LinkLatency(String from, String to, Duration latency, Duration jitter, Direction direction) implements LinkChaos {
        public LinkLatency {
            requireNonNull(from, "from");
            requireNonNull(to, "to");
            requireNonNull(latency, "latency");
            jitter = jitter == null ? Duration.ZERO : jitter;
            direction = direction == null ? Direction.RESPONSE : direction;
            if (latency.isNegative() || jitter.isNegative()) {
                throw new IllegalArgumentException("latency: " + latency + ", jitter: " + jitter + " (expected: >= 0)");
            }
        }

        @Override
        public String describe() {
            return "latency " + Durations.format(latency) + (jitter.isZero() ? "" : " ± " + Durations.format(jitter))
                    + " on " + link() + " (" + direction.word() + ")";
        }
    }

    /** Toxiproxy {@code bandwidth}: data flows at most at {@code bytesPerSecond}, per connection. */
    record LinkBandwidth(String from, String to, long bytesPerSecond, Direction direction) implements LinkChaos {
        public LinkBandwidth {
            requireNonNull(from, "from");
            requireNonNull(to, "to");
            direction = direction == null ? Direction.RESPONSE : direction;
            if (bytesPerSecond < 1) {
                throw new IllegalArgumentException("bytesPerSecond: " + bytesPerSecond + " (expected: >= 1)");
            }
        }

        @Override
        public String describe() {
            return "bandwidth " + bytesPerSecond + " B/s on " + link() + " (" + direction.word() + ")";
        }
    }

    /** Toxiproxy {@code reset_peer}: each request is answered by a TCP reset with this probability. */
    record LinkReset(String from, String to, double probability) implements LinkChaos {
        public LinkReset {
            requireNonNull(from, "from");
            requireNonNull(to, "to");
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("probability: " + probability + " (expected: 0..1)");
            }
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "reset %s%% of requests on %s", trim(probability * 100), link());
        }
    }

    /**
     * Toxiproxy {@code timeout}: data stops flowing; the connection is closed after {@code timeout}, or
     * held until the fault ends when it is zero.
     */
    record LinkStall(String from, String to, Duration timeout, Direction direction) implements LinkChaos {
        public LinkStall {
            requireNonNull(from, "from");
            requireNonNull(to, "to");
            timeout = timeout == null ? Duration.ZERO : timeout;
            direction = direction == null ? Direction.RESPONSE : direction;
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
            }
        }

        @Override
        public String describe() {
            return "stall " + link() + " (" + direction.word() + ")"
                    + (timeout.isZero() ? "" : ", closed after " + Durations.format(timeout));
        }
    }

    /**
     * Toxiproxy {@code slicer}: data is cut into slices of {@code averageSize ± sizeVariation} bytes sent
     * {@code delay} apart.
     */
    record LinkSlicer(String from, String to, int averageSize, int sizeVariation, Duration delay, Direction direction)
            implements LinkChaos {
        public LinkSlicer {
            requireNonNull(from, "from");
            requireNonNull(to, "to");
            delay = delay == null ? Duration.ZERO : delay;
            direction = direction == null ? Direction.RESPONSE : direction;
            if (averageSize < 1 || sizeVariation < 0 || sizeVariation >= averageSize) {
                throw new IllegalArgumentException("averageSize: " + averageSize + ", sizeVariation: " + sizeVariation
                        + " (expected: averageSize >= 1, 0 <= sizeVariation < averageSize)");
            }
        }

        @Override
        public String describe() {
            return "slice " + link() + " into " + averageSize + (sizeVariation == 0 ? "" : "±" + sizeVariation)
                    + " B every " + Durations.format(delay) + " (" + direction.word() + ")";
        }
    }

    /** No traffic between two services, either way: connection attempts hang until their connect timeout. */
    record Partition(String a, String b) implements LinkChaos {
        public Partition {
            requireNonNull(a, "a");
            requireNonNull(b, "b");
        }

        @Override
        public String from() {
            return a;
        }

        @Override
        public String to() {
            return b;
        }

        @Override
        public String describe() {
            return "partition " + a + " | " + b;
        }
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
