package dev.loopmesh.telemetry.health;

import java.util.Locale;

/**
 * Kiali's traffic health of an edge or a workload over a window, worst last. {@link #IDLE} is Kiali's
 * "NA": no requests in the window, so nothing to judge.
 */
public enum Health {
    IDLE, HEALTHY, DEGRADED, FAILURE;

    /** The word the admin API and the CLI print: idle, healthy, degraded, failure. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Health worse(Health other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
