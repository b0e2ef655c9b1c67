package dev.loopmesh.bench;

/** The arithmetic of comparisons between configurations, kept apart so tests can pin it down. */
final class Ratios {
    private Ratios() {
    }

    /** {@code a / b}, or NaN when either is unknown or {@code b} is not positive. */
    static double ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || b <= 0) {
            return Double.NaN;
        }
        return a / b;
    }

    /**
     * CPU time per request that one proxy hop adds: the configuration's CPU per request less the
     * baseline's (the same work without proxies), shared among its hops.
     */
    static double perHop(double cpuPerRequest, double baselinePerRequest, int hops) {
        if (hops <= 0 || Double.isNaN(cpuPerRequest) || Double.isNaN(baselinePerRequest)) {
            return Double.NaN;
        }
        return (cpuPerRequest - baselinePerRequest) / hops;
    }

    /** Nanoseconds of CPU per request as microseconds, NaN without requests. */
    static double microsPerRequest(long cpuNanos, long requests) {
        return requests <= 0 ? Double.NaN : cpuNanos / 1000.0 / requests;
    }

    /** Rounds for printing and JSON: NaN stays NaN. */
    static double round1(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? v : Math.round(v * 10) / 10.0;
    }

    static double round3(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? v : Math.round(v * 1000) / 1000.0;
    }
}
