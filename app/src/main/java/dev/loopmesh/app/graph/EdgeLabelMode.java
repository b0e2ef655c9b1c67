package dev.loopmesh.app.graph;

/** What the chips on the edges show. */
public enum EdgeLabelMode {
    ALL("rps · success · p99"), RPS("rps"), SUCCESS("success %"), P99("p99");

    private final String text;

    EdgeLabelMode(String text) {
        this.text = text;
    }

    @Override
    public String toString() {
        return text;
    }
}
