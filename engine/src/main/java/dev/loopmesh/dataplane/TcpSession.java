package dev.loopmesh.dataplane;

import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.telemetry.RequestRecord;
import dev.loopmesh.telemetry.metrics.TcpConnection;
import dev.loopmesh.telemetry.metrics.TcpLabels;
import io.netty.channel.Channel;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What one proxy knows of one TCP connection it relays, for telemetry: Istio's istio_tcp_* meters, opened
 * when the peers' identities that label them are known, and at the close one access-log line as Envoy's
 * tcp_proxy writes it (upstream host and cluster, bytes both ways, lifetime, response flags, addresses,
 * SNI). Used on the downstream connection's event loop only.
 */
final class TcpSession {
    private final Proxy proxy;
    private final long startNanos = System.nanoTime();
    private final long startMillis = System.currentTimeMillis();
    private final String downstreamRemote;
    private final String downstreamLocal;
    private final List<String> trace = new ArrayList<>(2);
    private TcpLabels labels;
    private TcpConnection metrics;
    private long received;
    private long sent;
    private String cluster = "";
    private String upstreamHost = "-";
    private String upstreamLocal = "";
    private String serverName = "";
    private String routeName = "";
    private String flags = "-";
    private boolean closed;

    TcpSession(Proxy proxy, Channel down) {
        this.proxy = proxy;
        this.downstreamRemote = hostPort(down.remoteAddress());
        this.downstreamLocal = hostPort(down.localAddress());
    }

    /**
     * Counts the connection as opened with these labels, once (their flags, or those {@link #fail} set, say
     * how it ended when it never relayed).
     */
    void open(TcpLabels l) {
        if (metrics == null) {
            labels = flags.equals("-") ? l : l.withResponseFlags(flags);
            metrics = proxy.telemetry().metrics().tcpOpened(labels);
        }
    }

    /** How the connection ends (Envoy's response flag), written to the access log; also a label when not yet open. */
    void fail(String flag, String why) {
        flags = flag;
        trace.add(why);
    }

    boolean isOpen() {
        return metrics != null;
    }

    /** The cluster and endpoint chosen, and the upstream connection once there is one (else null). */
    void upstream(String clusterName, Endpoint e, Channel up) {
        cluster = clusterName == null ? "" : clusterName;
        upstreamHost = e == null ? "-" : e.hostPort();
        upstreamLocal = up == null ? "" : hostPort(up.localAddress());
    }

    /** The SNI of the TLS connection relayed as it is (Envoy's requested server name). */
    void serverName(String sni) {
        serverName = sni == null ? "" : sni;
    }

    /** What matched the connection: {@code namespace/name} of the VirtualService and the rule, for the trace. */
    void route(String name, String why) {
        routeName = name == null ? "" : name;
        if (why != null && !why.isEmpty()) {
            trace.add(why);
        }
    }

    /** Bytes received from the downstream (Istio: "received during request"). */
    void received(long bytes) {
        received += bytes;
        metrics.received(bytes);
    }

    /** Bytes sent back to the downstream (Istio: "sent during response"). */
    void sent(long bytes) {
        sent += bytes;
        metrics.sent(bytes);
    }

    /** Counts the close and writes the access-log line, once; the meters must be open. */
    void closed() {
        if (closed || metrics == null) {
            return;
        }
        closed = true;
        metrics.closed();
        TcpLabels l = labels;
        long durationNanos = proxy.timeScale().toConfiguredNanos(System.nanoTime() - startNanos);
        // no request on a connection: no method, path, authority, status, attempts, request id or user agent
        proxy.telemetry().record(RequestRecord.builder()
                .reporter(l.reporter())
                .proxy(proxy.identity().proxy())
                .startEpochMillis(startMillis)
                .protocol("tcp")
                .responseFlags(flags.equals("-") ? l.responseFlags() : flags)
                .sourceWorkload(l.sourceWorkload())
                .sourceNamespace(l.sourceNamespace())
                .sourcePrincipal(l.sourcePrincipal())
                .destinationWorkload(l.destinationWorkload())
                .destinationNamespace(l.destinationNamespace())
                .destinationService(l.destinationService())
                .destinationPrincipal(l.destinationPrincipal())
                .destinationVersion(l.destinationVersion())
                .routeName(routeName)
                .upstreamCluster(cluster)
                .upstreamHost(upstreamHost)
                .durationMicros(TimeUnit.NANOSECONDS.toMicros(durationNanos))
                .requestBytes(received)
                .responseBytes(sent)
                .mtls(l.mtls())
                .downstreamAddress(downstreamRemote)
                .trace(trace)
                .requestedServerName(serverName)
                .upstreamLocalAddress(upstreamLocal)
                .downstreamLocalAddress(downstreamLocal)
                .build());
    }

    private static String hostPort(SocketAddress a) {
        if (a instanceof InetSocketAddress) {
            InetSocketAddress i = (InetSocketAddress) a;
            return (i.getAddress() == null ? i.getHostString() : i.getAddress().getHostAddress()) + ":" + i.getPort();
        }
        return "";
    }
}
