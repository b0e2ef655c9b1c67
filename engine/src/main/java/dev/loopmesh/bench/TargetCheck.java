package dev.loopmesh.bench;

import java.util.Locale;

/**
 * One of the targets against what a run measured.
 *
 * @param met null when the run could not tell (a configuration missing)
 */
record TargetCheck(String name, String target, double measured, double limit, String unit, Boolean met) {

    /** A "measured ≤ limit" check; unknown when either value is NaN. */
    static TargetCheck atMost(String name, String target, double measured, double limit, String unit) {
        Boolean met = Double.isNaN(measured) || Double.isNaN(limit) ? null : measured <= limit;
        return new TargetCheck(name, target, measured, limit, unit, met);
    }

    /** A "measured ≥ limit" check. */
    static TargetCheck atLeast(String name, String target, double measured, double limit, String unit) {
        Boolean met = Double.isNaN(measured) || Double.isNaN(limit) ? null : measured >= limit;
        return new TargetCheck(name, target, measured, limit, unit, met);
    }

    String verdict() {
        return met == null ? "unknown" : met ? "met" : "NOT met";
    }

    String describe() {
        return String.format(Locale.ROOT, "%-34s %-32s measured %10.1f %-4s limit %10.1f %-4s %s", name, target, measured, unit,
                limit, unit, verdict());
    }
}
