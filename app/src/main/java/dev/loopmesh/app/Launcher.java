package dev.loopmesh.app;

import dev.loopmesh.MeshOptions;
import dev.loopmesh.cli.DesktopOpener;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code main} of the {@code loopmesh} command. A plain class (not an {@code Application}), so JavaFX
 * starts from the classpath. With the engine's CLI on the classpath everything goes to it (it opens the
 * desktop through {@link DesktopOpener} when there is no verb); without it, this opens the desktop itself.
 */
public final class Launcher {
    static final String CLI = "dev.loopmesh.cli.LoopmeshCli";

    private Launcher() {
    }

    public static void main(String[] args) throws Throwable {
        if (java.util.Arrays.asList(args).contains("--perf-report")) {
            System.exit(dev.loopmesh.app.perf.PerfReport.run(args));
            return;
        }
        Method cli = cliMain();
        if (cli != null) {
            try {
                cli.invoke(null, (Object) args);
                return;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
        Parsed parsed;
        try {
            parsed = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("loopmesh: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (parsed.help()) {
            System.out.println("usage: loopmesh [FILE…] [--screenshot OUT.png] [--after 8s] [--ingress-port N] [--no-traffic]");
            return;
        }
        System.exit(new DesktopApp().open(parsed.files(), parsed.options()));
    }

    private static Method cliMain() {
        try {
            return Class.forName(CLI).getMethod("main", String[].class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            return null;
        }
    }

    record Parsed(List<Path> files, DesktopOpener.DesktopOptions options, boolean help) {
    }

    /** {@code [FILE…] [--screenshot OUT.png] [--after 8s] [--ingress-port N] [--no-traffic]} */
    static Parsed parse(String[] args) {
        List<Path> files = new ArrayList<>();
        Path screenshot = null;
        long after = 8000;
        int ingressPort = MeshOptions.DEFAULT_INGRESS_PORT;
        boolean traffic = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> {
                    return new Parsed(List.of(), null, true);
                }
                case "--screenshot" -> screenshot = Path.of(value(args, ++i, a));
                case "--after" -> after = parseMillis(value(args, ++i, a));
                case "--ingress-port" -> ingressPort = parsePort(value(args, ++i, a));
                case "--no-traffic" -> traffic = false;
                default -> {
                    if (a.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option " + a + " (expected: --screenshot, --after, --ingress-port, --no-traffic)");
                    }
                    files.add(Path.of(a));
                }
            }
        }
        return new Parsed(files, new DesktopOpener.DesktopOptions(screenshot, after, ingressPort, -1, traffic), false);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + ": missing value");
        }
        return args[i];
    }

    /** {@code 8s}, {@code 500ms}, {@code 2m}, or a plain number of seconds. */
    static long parseMillis(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return checkNonNegative(s, Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return checkNonNegative(s, Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            }
            if (v.endsWith("m")) {
                return checkNonNegative(s, Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
            }
            return checkNonNegative(s, Math.round(Double.parseDouble(v) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--after: " + s + " (expected: a duration like 8s or 500ms)");
        }
    }

    private static long checkNonNegative(String s, long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("--after: " + s + " (expected: >= 0)");
        }
        return millis;
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--ingress-port: " + s + " (expected: 0..65535)");
        }
    }
}
