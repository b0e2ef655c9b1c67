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
 *
 * <p>A sidecar also gets one outbound listener per {@code protocol: tcp} service of the mesh, where its app
 * connects to reach that service (Istio gives each TCP service port an outbound listener, {@code 0.0.0.0_5432},
 * that iptables and the service VIP lead to; loopback has neither, so the app dials the listener itself). It
 * listens on the pod's address at the service's own port, so {@code db:5432} is {@code <pod address>:5432};
 * where that port is taken on the pod (its own app, Istio's ports, another TCP service on the same port) it
 * takes the first free port from {@value #TCP_OUTBOUND_BASE}. The TCP and TLS ports of ServiceEntries in the
 * topology get listeners the same way, after the services'.
 */
public final class RegistryPlanner {
    public static final int OUTBOUND_PORT = 15001;
    public static final int INBOUND_PORT = 15006;
    /** Where outbound TCP listeners go when a TCP service's own port is taken on the pod. */
    public static final int TCP_OUTBOUND_BASE = 15100;
    /** Istio's ports on a pod, never given to an outbound TCP listener. */
    private static final java.util.Set<Integer> ISTIO_PORTS = java.util.Set.of(15000, 15001, 15004, 15006, 15008, 15009,
            15020, 15021, 15053, 15090);

    private RegistryPlanner() {
    }

    /** Plans with per-pod addresses in block {@code block} (1..254): pod n is 127.block.(n/254).(n%254+1). */
    public static Registry perPodAddresses(MeshSpec mesh, int block) {
        return perPodAddresses(mesh, block, List.of());
    }

    /**
     * As {@link #perPodAddresses(MeshSpec, int)}, every sidecar also listening for the TCP ports {@code extraTcp}
     * ({@link dev.loopmesh.policy.routing.TcpRoute#key host:port} keys of ServiceEntries), after the services'.
     */
    public static Registry perPodAddresses(MeshSpec mesh, int block, List<String> extraTcp) {
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
                    PodInfo p = pod(s, w, r, address, appPort(s, w), w.sidecar() ? INBOUND_PORT : 0, w.sidecar() ? OUTBOUND_PORT : 0);
                    pods.add(w.sidecar() ? withTcpOutbound(p, mesh, ownPorts(p), extraTcp) : p);
                }
            }
        }
        return new Registry(mesh, pods);
    }

    /** Plans for machines where only 127.0.0.1 is routed: every port is allocated. */
    public static Registry sharedLoopback(MeshSpec mesh) {
        return sharedLoopback(mesh, List.of());
    }

    /** As {@link #sharedLoopback(MeshSpec)}, with the extra TCP ports of {@link #perPodAddresses(MeshSpec, int, List)}. */
    public static Registry sharedLoopback(MeshSpec mesh, List<String> extraTcp) {
        List<PodInfo> pods = new ArrayList<>();
        for (ServiceSpec s : mesh.services()) {
            for (WorkloadSpec w : s.workloads()) {
                for (int r = 0; r < w.replicas(); r++) {
                    int app = w.external() != null ? w.external().port() : freePort();
                    PodInfo p = pod(s, w, r, "127.0.0.1", app, w.sidecar() ? freePort() : 0, w.sidecar() ? freePort() : 0);
                    pods.add(w.sidecar() ? withTcpOutbound(p, mesh, null, extraTcp) : p);
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

    /** The ports a pod's own address already has: its app (unless external), and Istio's. */
    public static java.util.Set<Integer> ownPorts(PodInfo p) {
        java.util.Set<Integer> used = new java.util.HashSet<>(ISTIO_PORTS);
        if (p.appHost().equals(p.address())) {
            used.add(p.appPort());
        }
        return used;
    }

    /**
     * The pod with an outbound listener per TCP service: on the service's port where free, else from
     * {@link #TCP_OUTBOUND_BASE}; with {@code used} null (shared 127.0.0.1), on allocated ports.
     */
    private static PodInfo withTcpOutbound(PodInfo p, MeshSpec mesh, java.util.Set<Integer> used, List<String> extraTcp) {
        java.util.Map<String, Integer> wanted = new java.util.LinkedHashMap<>();
        for (ServiceSpec s : mesh.services()) {
            if (s.protocol() == dev.loopmesh.topology.Protocol.TCP) {
                wanted.put(dev.loopmesh.policy.routing.TcpRoute.key(s.fqdn(), s.port()), s.port());
            }
        }
        for (String key : extraTcp) {
            wanted.putIfAbsent(key, Integer.parseInt(key.substring(key.lastIndexOf(':') + 1)));
        }
        java.util.Map<String, Integer> ports = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, Integer> w : wanted.entrySet()) {
            ports.put(w.getKey(), used == null ? freePort() : tcpListenerPort(w.getValue(), used));
        }
        if (ports.isEmpty()) {
            return p;
        }
        return new PodInfo(p.name(), p.workload(), p.service(), p.namespace(), p.version(), p.address(), p.appHost(), p.appPort(),
                p.inboundPort(), p.outboundPort(), p.servicePort(), p.labels(), p.sidecar(), p.serviceAccount(), p.protocol(), ports);
    }

    /**
     * The port of an outbound TCP listener that wants {@code wanted} on a pod's address: that one where
     * {@code used} does not hold it, else the first free from {@link #TCP_OUTBOUND_BASE}; it joins {@code used}.
     */
    public static int tcpListenerPort(int wanted, java.util.Set<Integer> used) {
        if (used.add(wanted)) {
            return wanted;
        }
        int port = TCP_OUTBOUND_BASE;
        while (!used.add(port)) {
            port++;
        }
        return port;
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
