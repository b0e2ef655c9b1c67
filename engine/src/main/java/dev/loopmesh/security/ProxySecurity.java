package dev.loopmesh.security;

import dev.loopmesh.ca.SpiffeId;
import dev.loopmesh.controlplane.InboundConfig;
import dev.loopmesh.policy.authn.MtlsMode;
import dev.loopmesh.policy.authn.TlsOrigination;
import dev.loopmesh.policy.authz.Authorizer;
import dev.loopmesh.policy.authz.AuthzDecision;
import dev.loopmesh.policy.authz.AuthzRequest;
import dev.loopmesh.policy.authz.linkerd.LinkerdPolicy;
import dev.loopmesh.policy.routing.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * One proxy's security hooks, called by the data plane: the inbound mTLS handler, TLS origination on
 * upstream connections, and the inbound HTTP checks (JWT and authorization).
 */
public final class ProxySecurity {
    private final MeshSecurity mesh;
    private final MeshTls tls;
    private final String namespace;
    private final Map<String, String> labels;
    private final int port;
    private final InboundGuard guard;

    ProxySecurity(MeshSecurity mesh, MeshTls tls, String namespace, Map<String, String> labels, int port) {
        this.mesh = requireNonNull(mesh, "mesh");
        this.tls = requireNonNull(tls, "tls");
        this.namespace = namespace;
        this.labels = Map.copyOf(labels);
        this.port = port;
        this.guard = new InboundGuard(mesh.clock());
    }

    public String spiffeId() {
        return tls.spiffeId();
    }

    public MeshTls tls() {
        return tls;
    }

    /** The first handler of an inbound connection: mTLS termination, or plaintext as the port's mode allows. */
    public ChannelHandler inboundHandler(Supplier<InboundConfig> inbound, String proxy) {
        return new InboundTls(tls, () -> {
            InboundConfig c = inbound.get();
            return c == null ? MtlsMode.PERMISSIVE : c.security().mtls().mode(port);
        }, why -> mesh.refused(proxy, why));
    }

    /** How a connection to {@code e} starts, from the cluster's tls mode and the server's PeerAuthentication. */
    public TlsOrigination.Kind origination(String clusterTlsMode, Endpoint e) {
        MtlsMode server = e.sidecar() ? mesh.serverMode(e.pod()) : MtlsMode.DISABLE;
        return TlsOrigination.decide(clusterTlsMode, e.sidecar(), server);
    }

    /** The TLS handler for a new HTTP/1.1 upstream connection, or null for plaintext. */
    public SslHandler originate(Channel ch, TlsOrigination.Kind kind, Endpoint e) {
        return originate(ch, kind, e, MeshTls.Alpn.HTTP1);
    }

    /** The TLS handler for a new upstream connection that will speak what {@code alpn} offers, or null for plaintext. */
    public SslHandler originate(Channel ch, TlsOrigination.Kind kind, Endpoint e, MeshTls.Alpn alpn) {
        if (kind == TlsOrigination.Kind.PLAINTEXT) {
            return null;
        }
        return tls.clientHandler(ch.alloc(), e.address(), e.port(), kind != TlsOrigination.Kind.SIMPLE, alpn);
    }

    /**
     * Completes when the handshake is done and the server is who the endpoint should be (Istio checks the
     * server's SAN against the service accounts of the destination); fails otherwise.
     */
    public Future<Channel> verified(Channel ch, SslHandler ssl, Endpoint e) {
        Promise<Channel> p = ch.eventLoop().newPromise();
        ssl.handshakeFuture().addListener(f -> {
            if (!f.isSuccess()) {
                p.tryFailure(new SSLException("TLS error: " + (f.cause() == null ? "handshake failed" : f.cause().getMessage()), f.cause()));
                return;
            }
            String peer = MeshTls.peerId(ssl.engine().getSession());
            String expected = e.serviceAccount() == null || e.serviceAccount().isEmpty() ? ""
                    : SpiffeId.of(mesh.trustDomain(), e.namespace(), e.serviceAccount());
            if (!expected.isEmpty() && !peer.equals(expected)) {
                p.tryFailure(new SSLException("TLS error: peer " + peer + " is not " + expected));
                return;
            }
            MeshTls.recordHandshake(ch, ssl, false);
            p.trySuccess(ch);
        });
        return p;
    }

    /** Path normalization, JWT and authorization of an inbound request. */
    public InboundGuard.Verdict check(FullHttpRequest req, InboundConfig inbound, Channel down) {
        if (inbound == null || !inbound.security().checksRequests()) {
            return InboundGuard.Verdict.PASS; // nothing to check: spare the addresses' formatting on every request
        }
        String peer = MeshTls.peerId(down);
        // the gateway has no service port of its own: its policies see the port it listens on
        int p = port != 0 || !(local(down) instanceof InetSocketAddress) ? port : ((InetSocketAddress) local(down)).getPort();
        return guard.check(req, inbound == null ? null : inbound.security(), peer, ip(remote(down)), ip(local(down)), namespace, labels, p);
    }

    /**
     * Authorization of an inbound TCP connection at its first bytes (Envoy's network RBAC filter before
     * tcp_proxy): Istio's policies read for TCP, then Linkerd's. Returns why it is denied, or null to go on;
     * a denial is reported as a refusal of this proxy.
     */
    public String checkConnection(Channel down, InboundConfig inbound, String proxy) {
        InboundSecurity sec = inbound == null ? null : inbound.security();
        if (sec == null || sec.authorization().isEmpty() && sec.linkerd() == null) {
            return null;
        }
        String peer = MeshTls.peerId(down);
        String sourceIp = ip(remote(down));
        String denied = null;
        if (!sec.authorization().isEmpty()) {
            AuthzRequest r = new AuthzRequest(SpiffeId.principal(peer), sourceIp, "", "", port, ip(local(down)), "", "", Map.of(), null, "",
                    !peer.isEmpty());
            AuthzDecision d = Authorizer.evaluateTcp(sec.authorization(), r);
            if (!d.allowed()) {
                denied = "RBAC: connection denied (" + d.reason() + ")";
            }
        }
        if (denied == null && sec.linkerd() != null) {
            LinkerdPolicy.Decision d = sec.linkerd().evaluate(namespace, labels, port, peer, sourceIp);
            if (!d.allowed()) {
                denied = "RBAC: connection denied by linkerd " + d.decidedBy();
            }
        }
        if (denied != null) {
            mesh.refused(proxy, denied + (peer.isEmpty() ? " from " + sourceIp : " from " + peer));
        }
        return denied;
    }

    private static Channel conn(Channel ch) {
        Channel c = ch;
        while (c.parent() != null && !(c.remoteAddress() instanceof InetSocketAddress)) {
            c = c.parent();
        }
        return c;
    }

    private static java.net.SocketAddress remote(Channel ch) {
        return conn(ch).remoteAddress();
    }

    private static java.net.SocketAddress local(Channel ch) {
        return conn(ch).localAddress();
    }

    private static String ip(java.net.SocketAddress a) {
        return a instanceof InetSocketAddress ? ((InetSocketAddress) a).getAddress().getHostAddress() : "";
    }
}
