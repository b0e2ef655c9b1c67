package dev.loopmesh.chaos;

import java.util.Locale;
import java.util.Optional;

/**
 * Which bytes of a link a fault acts on, seen from the link's {@code from} side: the request flowing to
 * {@code to} (Toxiproxy's upstream stream), the response flowing back (downstream), or both.
 */
public enum Direction {
    REQUEST, RESPONSE, BOTH;

    public boolean covers(Direction d) {
        return this == BOTH || this == d;
    }

    /** {@code request}/{@code upstream}, {@code response}/{@code downstream}, {@code both}. */
    public static Optional<Direction> parse(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "request":
            case "upstream":
                return Optional.of(REQUEST);
            case "response":
            case "downstream":
                return Optional.of(RESPONSE);
            case "both":
                return Optional.of(BOTH);
            default:
                return Optional.empty();
        }
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
