package dev.loopmesh.bench;

/**
 * What one configuration measured over all rounds.
 *
 * @param latency              open-loop latency at the fixed rate, from intended send time
 * @param requests             requests answered in the latency phases
 * @param errors               non-2xx/3xx answers and lost requests in all phases
 * @param maxRps               answers per second with every connection kept busy (saturation)
 * @param cpuUsPerRequest      CPU per request per proxy hop at the fixed rate; for direct (no proxy) the
 *                             app's own CPU per request
 * @param cpuUsPerRequestSaturated the same at saturation
 * @param loopCpuUsPerRequest  CPU per request of the mesh's event-loop threads (the app, and the proxies when in the JVM)
 * @param processCpuUsPerRequest this JVM's CPU per request less the client thread's: the loops plus JIT, GC and JFR
 * @param gcUsPerRequest       garbage-collection time per request at the fixed rate
 * @param clientCpuUsPerRequest the bench client's own CPU per request
 * @param allocatedBytesPerRequest heap allocated per request per proxy hop by the mesh's event loops (at saturation;
 *                             for direct the app's own; unknown for proxies outside the JVM). Unlike CPU time it
 *                             does not change with the load on the machine: the figure to compare across runs
 * @param maxQueued            most requests that waited for a free connection at the fixed rate
 */
record ConfigResult(String name, String description, int hops, LatencySummary latency, long requests, long errors,
                    double maxRps, double cpuUsPerRequest, double cpuUsPerRequestSaturated, double loopCpuUsPerRequest,
                    double processCpuUsPerRequest, double clientCpuUsPerRequest, double gcUsPerRequest,
                    double allocatedBytesPerRequest, int maxQueued) {
}
