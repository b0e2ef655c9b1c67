package dev.loopmesh.policy.resilience.outlier;

/**
 * Told of each ejection and return. Called while the detector holds its lock, so that events arrive in
 * order: it must be quick, must not block and must not call back into the detector (hand the event to
 * a queue or an event log). An exception it throws is swallowed; it cannot break the detector.
 */
@FunctionalInterface
public interface OutlierListener {
    OutlierListener NONE = e -> { };

    void on(OutlierEvent event);
}
