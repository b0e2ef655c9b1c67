package dev.loopmesh.app.history;

import java.time.Instant;

/**
 * A change the user made to the running mesh that can be taken back and made again, each way through
 * the engine (a policy through the control plane, a fault through the fault injector). {@link #undo}
 * and {@link #redo} run on the app's engine thread and may block; what they return finishes the job on
 * the FX thread.
 */
public interface Reversible {
    enum Kind { POLICY, FAULT }

    /** What was done, in the words of the timeline: {@code apply VirtualService default/reviews}. */
    String title();

    Kind kind();

    /** More about it (a diff, a fault's description); may be empty. */
    String detail();

    Instant time();

    /** Takes the change back (engine thread); throws with a message for the user when it cannot. */
    Outcome undo();

    /** Makes the change again after an undo (engine thread); throws with a message when it cannot. */
    Outcome redo();

    /** What an undo or redo did, and the view-model updates to make after it on the FX thread. */
    record Outcome(String summary, Runnable onFx) {
        public Outcome {
            summary = summary == null ? "" : summary;
            onFx = onFx == null ? () -> { } : onFx;
        }
    }
}
