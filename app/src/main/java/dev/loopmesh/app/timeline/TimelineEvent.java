package dev.loopmesh.app.timeline;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * Something that happened to the mesh, as the timeline marks it: a point in time, or a span (a fault
 * from start to end; {@code end} null while it lasts).
 *
 * @param id groups the start and end of a span ("fault-3"); unique otherwise
 */
public record TimelineEvent(String id, Kind kind, String title, String detail, Instant time, Instant end) {
    /** Each kind is a CSS style class of its marker and list line. */
    public enum Kind {
        CONFIG("config"), REJECTED("rejected"), FAULT("fault"), LOAD("load"), EJECTION("ejection"), INFO("info"),
        /** An undo or redo of an earlier change. */
        HISTORY("history");

        private final String styleClass;

        Kind(String styleClass) {
            this.styleClass = styleClass;
        }

        public String styleClass() {
            return styleClass;
        }
    }

    public TimelineEvent {
        requireNonNull(id, "id");
        requireNonNull(kind, "kind");
        requireNonNull(title, "title");
        detail = detail == null ? "" : detail;
        requireNonNull(time, "time");
    }

    public boolean isSpan() {
        return kind == Kind.FAULT;
    }

    public TimelineEvent ended(Instant at) {
        return new TimelineEvent(id, kind, title, detail, time, at);
    }
}
