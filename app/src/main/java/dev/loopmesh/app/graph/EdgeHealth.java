package dev.loopmesh.app.graph;

/**
 * Kiali's traffic health for an edge or a node, from the share of requests that failed (5xx or no
 * response): at least 0.1 % degraded, above 10 % failing. The colour of each is in the CSS.
 */
public enum EdgeHealth {
    IDLE("idle"), HEALTHY("healthy"), DEGRADED("degraded"), FAILING("failing");

    static final double DEGRADED_AT = 0.001;
    static final double FAILING_ABOVE = 0.10;

    private final String styleClass;

    EdgeHealth(String styleClass) {
        this.styleClass = styleClass;
    }

    /** @param successRate 0..1, NaN when there were no requests */
    public static EdgeHealth of(double successRate) {
        if (Double.isNaN(successRate)) {
            return IDLE;
        }
        double errors = 1 - successRate;
        if (errors > FAILING_ABOVE) {
            return FAILING;
        }
        return errors >= DEGRADED_AT - 1e-12 ? DEGRADED : HEALTHY;
    }

    /** The CSS style class that carries this health's colour. */
    public String styleClass() {
        return styleClass;
    }
}
