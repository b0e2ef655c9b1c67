package dev.loopmesh.chaos;

/**
 * What the engine needs from the mesh to break pods. Implementations act at once or start the action and
 * return (never block for long), and throw {@link IllegalArgumentException} for a pod they do not know;
 * the engine makes that a FAILED event. The engine calls each action only on a change: overlapping
 * experiments on one pod are counted, so {@code start} follows the last kill to end.
 */
public interface PodControl {
    /** Stops the pod's app (its listener closes: connections are refused). */
    void kill(String pod);

    /** Starts a killed pod's app again. */
    void start(String pod);

    /** Freezes the pod's app: nothing accepted is read or answered. */
    void pause(String pod);

    void resume(String pod);

    /** Makes the pod refuse new connections, or accept them again. */
    void refuse(String pod, boolean refuse);
}
