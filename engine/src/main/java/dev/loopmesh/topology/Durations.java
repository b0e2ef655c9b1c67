package dev.loopmesh.topology;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as Istio and Go write them: {@code 3s}, {@code 2500ms}, {@code 1m30s}, {@code 0.5s}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private Durations() {
    }

    /**
     * @throws IllegalArgumentException with a message a user can act on, e.g. for a number without a unit
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration (expected: a number with a unit, like 250ms or 3s)");
        }
        String s = text.trim();
        if (s.matches("\\d+(\\.\\d+)?")) {
            throw new IllegalArgumentException("duration `" + s + "` has no unit (expected: like " + s + "ms or " + s + "s)");
        }
        Matcher m = PART.matcher(s);
        int at = 0;
        long nanos = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("`" + s + "` is not a duration (expected: a number with a unit ns, us, ms, s, m or h, like 250ms or 1m30s)");
            }
            double n = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            double add = n * unit;
            if (add > Long.MAX_VALUE / 2.0 || nanos + add > Long.MAX_VALUE / 2.0) {
                throw new IllegalArgumentException("duration `" + s + "` is too long");
            }
            nanos += Math.round(add);
            at = m.end();
        }
        return Duration.ofNanos(nanos);
    }

    /** Formats as a user would write it: 3s, 2500ms, 250us. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        if (nanos % 1_000L == 0) {
            return nanos / 1_000L + "us";
        }
        return nanos + "ns";
    }
}
