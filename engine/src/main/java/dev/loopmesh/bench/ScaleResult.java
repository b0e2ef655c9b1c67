package dev.loopmesh.bench;

/**
 * N idle pods (each an emulated app and its sidecar) in one mesh, and how fast a config change reaches
 * their proxies.
 *
 * @param scoped             whether a mesh-wide Istio Sidecar limited each proxy's egress to one service
 *                           (without it, Istio's default, every proxy gets routes and clusters for every service)
 * @param heapPerPodBytes    heap after a full GC, less the heap before the mesh started, over N
 * @param directPerPodBytes  direct (off-heap buffer) memory likewise
 * @param rssPerPodBytes     resident set size likewise (heap pages the JVM had already touched do not show)
 * @param threads            live threads in the JVM with the mesh running
 * @param openFiles          file descriptors open with the mesh running, and the process's limit
 * @param pushedProxies      proxies one apply changed (every sidecar and the gateway)
 * @param convergenceP50Ms   time from {@code Mesh.apply} to the last changed proxy holding the new snapshot
 * @param error              why this size could not be measured, or null
 */
record ScaleResult(int pods, boolean scoped, long startMillis, long heapPerPodBytes, long directPerPodBytes, long rssPerPodBytes,
                   int threads, long openFiles, long fileLimit, int applies, int pushedProxies, double convergenceP50Ms,
                   double convergenceP99Ms, double convergenceMaxMs, String error) {

    static ScaleResult failed(int pods, boolean scoped, String error) {
        return new ScaleResult(pods, scoped, 0, 0, 0, 0, 0, 0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, error);
    }

    long memoryPerPodBytes() {
        return heapPerPodBytes + directPerPodBytes;
    }
}
