package dev.loopmesh.app.editor;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff of two texts by longest common subsequence: the lines both keep, and those removed and
 * added, in reading order. Quadratic in lines, which is fine for policy documents (hundreds of lines).
 */
public final class LineDiff {
    public enum Kind { SAME, REMOVED, ADDED }

    public record Line(Kind kind, String text) {
        /** {@code "  text"}, {@code "- text"} or {@code "+ text"}, as a unified diff shows it. */
        public String unified() {
            return switch (kind) {
                case SAME -> "  " + text;
                case REMOVED -> "- " + text;
                case ADDED -> "+ " + text;
            };
        }
    }

    private LineDiff() {
    }

    public static List<Line> diff(String before, String after) {
        String[] a = lines(before);
        String[] b = lines(after);
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Line> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length && j < b.length) {
            if (a[i].equals(b[j])) {
                out.add(new Line(Kind.SAME, a[i]));
                i++;
                j++;
            } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
                out.add(new Line(Kind.REMOVED, a[i++]));
            } else {
                out.add(new Line(Kind.ADDED, b[j++]));
            }
        }
        while (i < a.length) {
            out.add(new Line(Kind.REMOVED, a[i++]));
        }
        while (j < b.length) {
            out.add(new Line(Kind.ADDED, b[j++]));
        }
        return out;
    }

    public static boolean changed(List<Line> diff) {
        return diff.stream().anyMatch(l -> l.kind() != Kind.SAME);
    }

    /** The diff as text, every line kept (documents are short enough to read whole). */
    public static String unified(List<Line> diff) {
        StringBuilder out = new StringBuilder();
        for (Line l : diff) {
            out.append(l.unified()).append('\n');
        }
        return out.toString();
    }

    private static String[] lines(String s) {
        if (s == null || s.isEmpty()) {
            return new String[0];
        }
        return s.split("\n", -1).length > 0 && s.endsWith("\n") ? s.substring(0, s.length() - 1).split("\n", -1) : s.split("\n", -1);
    }
}
