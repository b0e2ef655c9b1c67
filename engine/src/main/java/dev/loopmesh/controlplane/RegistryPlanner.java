package dev.loopmesh.controlplane;

import dev.loopmesh.topology.MeshSpec;
import dev.loopmesh.topology.ServiceSpec;
import dev.loopmesh.topology.WorkloadSpec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives every pod its addresses. Where all of 127/8 reaches the loopback interface (Linux), each pod
 * gets its own address {@code 127.<block>.x.y} and Istio's ports (app on the service port, 15001
 * outbound, 15006 inbound); elsewhere every pod shares 127.0.0.1 with allocated ports.
 */
public final class RegistryPlanner {
    public static final int OUTBOUND_PORT = 15001;
    public static final int INBOUND_PORT = 15006;

    private RegistryPlanner() {
    }

    /** Plans with per-pod addresses in block {@code block} (1..254): pod n is 127.block.(n/254).(n%254+1). */
    public static Registry perPodAddresses(MeshSpec mesh, int block) {
        if (block < 1 || block > 254) {
            throw new IllegalArgumentException("block: " + block + " (expected: 1..254)");
        }
        List<PodInfo> pods = new ArrayList<>();
        int n = 0;
        for (ServiceSpec s : mesh.services()) {
            for (WorkloadSpec w : s.workloads()) {
                for (int r = 0; r < w.replicas(); r++, n++) {
                    if (n >= 254 * 256) {
                        throw new IllegalArgumentException("pods: more than " + (254 * 256) + " (expected: fewer)");
                    }
                    String address = "127." + block + "." + (n / 254) + "." + (n % 254 + 1);
                    pods.add(pod(s, w, r, address, appPort(s, w), w.sidecar() ? INBOUND_PORT : 0, w.sidecar() ? OUTBOUND_PORT : 0));
                }
            }
        }
        return new Registry(mesh, pods);
    }

    /** Plans for machines where only 127.0.0.1 is routed: every port is allocated. */
    public static Registry sharedLoopback(MeshSpec mesh) {
        List<PodInfo> pods = new ArrayList<>();
        for (ServiceSpec s : mesh.services()) {
            for (WorkloadSpec w : s.workloads()) {
                for (int r = 0; r < w.replicas(); r++) {
                    int app = w.external() != null ? w.external().port() : freePort();
                    pods.add(pod(s, w, r, "127.0.0.1", app, w.sidecar() ? freePort() : 0, w.sidecar() ? freePort() : 0));
                }
            }
        }
        return new Registry(mesh, pods);
    }

    /** Whether this machine routes all of 127/8 to loopback (probes one address of {@code block}). */
    public static boolean perPodAddressesWork(int block) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127." + block + ".255.254"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int appPort(ServiceSpec s, WorkloadSpec w) {
        return w.external() != null ? w.external().port() : s.port();
    }

    private static PodInfo pod(ServiceSpec s, WorkloadSpec w, int replica, String address, int app, int in, int out) {
        String appHost = w.external() != null ? w.external().host() : address;
        return new PodInfo(w.name() + "-" + replica, w.name(), s.name(), s.namespace(), w.version(), address, appHost, app, in, out,
                s.port(), w.labels(), w.sidecar(), w.serviceAccount(), s.protocol());
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }
}
