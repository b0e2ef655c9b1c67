package dev.loopmesh.policy.routing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A consistent-hash ring (Envoy's ring_hash): each endpoint owns {@code size / n} points, a key goes
 * to the first point at or after its hash. Immutable; built once per endpoint list.
 */
public final class HashRing {
    private final List<Endpoint> endpoints;
    private final long[] points;
    private final int[] owners;

    public HashRing(List<Endpoint> endpoints, int size) {
        this.endpoints = List.copyOf(endpoints);
        int per = Math.max(1, size / Math.max(1, endpoints.size()));
        long[][] entries = new long[endpoints.size() * per][];
        int k = 0;
        for (int i = 0; i < endpoints.size(); i++) {
            String id = endpoints.get(i).hostPort();
            for (int j = 0; j < per; j++) {
                entries[k++] = new long[] {hash(id + "_" + j), i};
            }
        }
        Arrays.sort(entries, (a, b) -> Long.compareUnsigned(a[0], b[0]));
        points = new long[entries.length];
        owners = new int[entries.length];
        for (int i = 0; i < entries.length; i++) {
            points[i] = entries[i][0];
            owners[i] = (int) entries[i][1];
        }
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    public Endpoint lookup(long hash) {
        if (points.length == 0) {
            return null;
        }
        int lo = 0;
        int hi = points.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(points[mid], hash) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return endpoints.get(owners[lo == points.length ? 0 : lo]);
    }

    /** 64-bit FNV-1a with a final avalanche (murmur3's fmix64): stable across runs and JVMs. */
    public static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
