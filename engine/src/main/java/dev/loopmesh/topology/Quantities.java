package dev.loopmesh.topology;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the quantities a topology writes as text: rates ({@code 20/s}), shares ({@code 0.1} or
 * {@code 10%}), sizes ({@code 2KiB}) and weights. Each throws {@link IllegalArgumentException} with a
 * message a user can act on.
 */
public final class Quantities {
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern RATE = Pattern.compile("(\\S+?)\\s*(?:/\\s*(s|sec|m|min|h))?");
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(B|KB|KiB|MB|MiB|k|Ki|M|Mi)?");
    /** The largest response padding: big enough to matter, small enough not to exhaust memory. */
    public static final long MAX_SIZE = 64L << 20;

    private Quantities() {
    }

    static double number(String text, String expected) {
        String t = text.trim();
        if (!NUMBER.matcher(t).matches()) {
            throw new IllegalArgumentException("`" + Fields.abbreviate(t) + "` is not a number (expected: " + expected + ")");
        }
        return Double.parseDouble(t);
    }

    /** Requests per second from {@code 20/s}, {@code 20} (per second), {@code 1200/m}, {@code 3/h}. */
    public static double ratePerSecond(String text) {
        String expected = "a rate > 0 like 20/s, 20, 1200/m or 0.5/s";
        Matcher m = RATE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("`" + Fields.abbreviate(text) + "` is not a rate (expected: " + expected + ")");
        }
        double n;
        try {
            n = number(m.group(1), expected);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("`" + Fields.abbreviate(text.trim()) + "` is not a rate (expected: " + expected + ")");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        double perSecond = switch (unit) {
            case "m", "min" -> n / 60;
            case "h" -> n / 3600;
            default -> n;
        };
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("`" + text.trim() + "` is not a positive rate (expected: " + expected + ")");
        }
        return perSecond;
    }

    /** A share in 0..1, from {@code 0.1} or {@code 10%}. */
    public static double share(String text) {
        String t = text.trim();
        String expected = "a share from 0 to 1, like 0.1 or 10%";
        double v = t.endsWith("%") ? number(t.substring(0, t.length() - 1), expected) / 100 : number(t, expected);
        if (v < 0 || v > 1) {
            throw new IllegalArgumentException("`" + t + "` is out of range (expected: " + expected + ")");
        }
        return v;
    }

    /** A relative weight >= 0, from {@code 3}, {@code 0.2} or {@code 20%}. */
    public static double weight(String text) {
        String t = text.trim();
        String expected = "a number >= 0 like 3, 0.2 or 20%";
        double v = t.endsWith("%") ? number(t.substring(0, t.length() - 1), expected) / 100 : number(t, expected);
        if (v < 0 || Double.isInfinite(v) || Double.isNaN(v)) {
            throw new IllegalArgumentException("`" + t + "` is negative (expected: " + expected + ")");
        }
        return v;
    }

    /** Bytes from {@code 512}, {@code 512B}, {@code 2KiB}, {@code 2KB} (1000), {@code 1MiB}; at most {@link #MAX_SIZE}. */
    public static long bytes(String text) {
        String t = text.trim();
        Matcher m = SIZE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("`" + Fields.abbreviate(t) + "` is not a size (expected: bytes like 512, or 2KiB, 1.5KB, 1MiB)");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        long factor = switch (unit) {
            case "KB", "k" -> 1000L;
            case "KiB", "Ki" -> 1024L;
            case "MB", "M" -> 1_000_000L;
            case "MiB", "Mi" -> 1L << 20;
            default -> 1L;
        };
        double v = n * factor;
        if (v > MAX_SIZE) {
            throw new IllegalArgumentException("`" + t + "` is too large (expected: at most 64MiB)");
        }
        return Math.round(v);
    }
}
