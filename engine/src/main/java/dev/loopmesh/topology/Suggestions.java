package dev.loopmesh.topology;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean …?": the nearest candidate by edit distance, offered only when it is close. */
public final class Suggestions {
    private Suggestions() {
    }

    /**
     * The candidate nearest to {@code typed}, if it is close enough to be a plausible typo: a case-only
     * difference, or an edit distance of at most a third of the longer word (at least 1, at most 3).
     */
    public static Optional<String> nearest(String typed, Collection<String> candidates) {
        if (typed == null || typed.isEmpty() || typed.length() > 100) {
            return Optional.empty();
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            if (candidate.equals(typed)) {
                continue;
            }
            int d = candidate.equalsIgnoreCase(typed) ? 0
                    : distance(typed.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        int allowed = Math.min(3, Math.max(1, Math.max(typed.length(), best.length()) / 3));
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /**
     * The nearest candidate by a looser measure (the Istio networking binder's): case-insensitive, within a
     * third of the typed word's length and at least 2 edits; null when none is that near.
     */
    public static String nearestLoose(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String w = word.toLowerCase(Locale.ROOT);
        for (String c : candidates) {
            int d = distance(w, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return bestDistance <= Math.max(2, word.length() / 3) ? best : null;
    }

    /** " — did you mean `x`?" or the empty string. */
    public static String didYouMean(String typed, Collection<String> candidates) {
        return nearest(typed, candidates).map(s -> " — did you mean `" + s + "`?").orElse("");
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
    public static int distance(String a, String b) {
        int n = a.length();
        int m = b.length();
        int[][] d = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= m; j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[n][m];
    }
}
