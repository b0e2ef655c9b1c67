package dev.loopmesh.topology;

/** Where something was written: file, 1-based line and column. */
public record Position(String file, int line, int column) {
    public static final Position UNKNOWN = new Position("<unknown>", 0, 0);

    public Position {
        file = file == null ? "<unknown>" : file;
    }

    @Override
    public String toString() {
        return line <= 0 ? file : file + ":" + line + ":" + column;
    }
}
