package dev.loopmesh;

import dev.loopmesh.internal.TimeScale;

/**
 * How to start a mesh.
 *
 * @param ingressPort port of the ingress gateway on 127.0.0.1 (0 = any free port)
 * @param adminPort   port of the admin API on 127.0.0.1 (0 = any free port, -1 = no admin API)
 * @param traffic     whether to start the topology's load clients
 * @param seed        seeds every random source, so a run can be repeated
 * @param traceSampling percent (0..100) of the traces that start in the mesh that are recorded (Istio's
 *                    {@code values.pilot.traceSampling}); a trace that arrives with a decision keeps it.
 *                    Loopmesh is for seeing, so the default is 100 (Istio's is 1).
 */
public record MeshOptions(int ingressPort, int adminPort, boolean traffic, TimeScale timeScale, long seed, double traceSampling) {
    public static final double DEFAULT_TRACE_SAMPLING = 100;
    public static final int DEFAULT_INGRESS_PORT = 8080;
    public static final int DEFAULT_ADMIN_PORT = 15000;

    public MeshOptions {
        if (ingressPort < 0 || ingressPort > 65535) {
            throw new IllegalArgumentException("ingress port: " + ingressPort + " (expected: 0..65535)");
        }
        if (adminPort < -1 || adminPort > 65535) {
            throw new IllegalArgumentException("admin port: " + adminPort + " (expected: 0..65535)");
        }
        timeScale = timeScale == null ? TimeScale.REAL : timeScale;
        if (!(traceSampling >= 0 && traceSampling <= 100)) {
            throw new IllegalArgumentException("trace sampling: " + traceSampling + " (expected: 0..100 percent)");
        }
    }

    public MeshOptions(int ingressPort, int adminPort, boolean traffic, TimeScale timeScale, long seed) {
        this(ingressPort, adminPort, traffic, timeScale, seed, DEFAULT_TRACE_SAMPLING);
    }

    public static MeshOptions defaults() {
        return new MeshOptions(DEFAULT_INGRESS_PORT, DEFAULT_ADMIN_PORT, true, TimeScale.REAL, 1);
    }

    /** Any free ports, no load: what tests use. */
    public static MeshOptions forTests() {
        return new MeshOptions(0, 0, false, TimeScale.REAL, 1);
    }

    public MeshOptions withTraffic(boolean on) {
        return new MeshOptions(ingressPort, adminPort, on, timeScale, seed, traceSampling);
    }

    public MeshOptions withTimeScale(TimeScale t) {
        return new MeshOptions(ingressPort, adminPort, traffic, t, seed, traceSampling);
    }

    public MeshOptions withTraceSampling(double percent) {
        return new MeshOptions(ingressPort, adminPort, traffic, timeScale, seed, percent);
    }

    /** The same options with every configured duration running {@code factor} times as long (0.1: ten times faster). */
    public MeshOptions withTimeScale(double factor) {
        return withTimeScale(new TimeScale(factor));
    }
}
