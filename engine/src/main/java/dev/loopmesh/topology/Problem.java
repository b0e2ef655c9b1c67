package dev.loopmesh.topology;

import static java.util.Objects.requireNonNull;

/**
 * One finding about a topology: where, which YAML path, what was wrong and what would be right.
 * {@link #toString()} is the one line a user sees.
 *
 * @param code a stable code, like istioctl analyze's IST codes (for example {@code LM0101})
 * @param path the YAML path, like {@code spec.services[2].workloads[0].replicas}; empty for the document
 */
public record Problem(Severity severity, String code, Position position, String path, String message) {
    public Problem {
        requireNonNull(severity, "severity");
        requireNonNull(code, "code");
        requireNonNull(position, "position");
        path = path == null ? "" : path;
        requireNonNull(message, "message");
    }

    public static Problem error(String code, Position position, String path, String message) {
        return new Problem(Severity.ERROR, code, position, path, message);
    }

    public static Problem warning(String code, Position position, String path, String message) {
        return new Problem(Severity.WARNING, code, position, path, message);
    }

    @Override
    public String toString() {
        String where = path.isEmpty() ? "" : " (at " + path + ")";
        return position + ": " + severity.name().toLowerCase(java.util.Locale.ROOT) + " " + code + ": " + message + where;
    }
}
