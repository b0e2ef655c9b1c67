package dev.loopmesh.dataplane;

import dev.loopmesh.policy.authn.TlsOrigination;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.security.MeshTls;
import dev.loopmesh.security.ProxySecurity;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.InetSocketAddress;

/**
 * The upstream connection of a TCP relay, shared by the inbound relay to the app, the outbound listener's
 * relay and a caller's relay: opened on the downstream connection's event loop with auto-read off, TLS
 * originated as {@code tls} says (auto mTLS, no ALPN), and ready only when the handshake is done and the
 * server is who the endpoint says (Istio checks the SAN against the service accounts), so no byte is
 * relayed to an unverified peer.
 */
final class TcpUpstream {
    /** Why the upstream could not be used (a connect, a TLS handshake or the peer's identity): Envoy's UF. */
    static final class Failed extends Exception {
        Failed(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private TcpUpstream() {
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    /**
     * Connects to {@code e}; {@code back} is the upstream side's relay handler. The future fails with
     * {@link Failed} (the channel closed) or succeeds with the channel, reading only when asked.
     *
     * @param connectMillis the connect timeout, 0 for the transport's default
     */
    static Future<Channel> open(Proxy proxy, Channel down, Endpoint e, TlsOrigination.Kind tls, long connectMillis,
                                ChannelHandler back) {
        ProxySecurity sec = proxy.security();
        Promise<Channel> ready = down.eventLoop().newPromise();
        if (!isLoopback(e.address())) {
            // an endpoint from production YAML (a ServiceEntry's address): Loopmesh never leaves the machine, nor asks DNS
            return ready.setFailure(new Failed("endpoint " + e.hostPort() + " is not on loopback (Loopmesh connects only within "
                    + "127.0.0.0/8)", null));
        }
        Bootstrap b = new Bootstrap()
                .group(down.eventLoop())
                .channel(proxy.eventLoops().socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler ssl = sec == null ? null : sec.originate(ch, tls, e, MeshTls.Alpn.NONE);
                        if (ssl != null) {
                            ch.pipeline().addLast("tls", ssl);
                        }
                        ch.pipeline().addLast("relay", back);
                    }
                });
        if (connectMillis > 0) {
            b.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectMillis));
        }
        proxy.eventLoops().connect(b, new InetSocketAddress(e.address(), e.port())).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                ready.tryFailure(new Failed("connect to " + e.hostPort() + " failed: " + f.cause().getMessage(), f.cause()));
                return;
            }
            Channel up = f.channel();
            SslHandler ssl = up.pipeline().get(SslHandler.class);
            if (ssl == null) {
                ready.trySuccess(up);
                return;
            }
            // the handshake needs reads while auto-read is off: SslHandler asks for them itself
            up.read();
            sec.verified(up, ssl, e).addListener(v -> {
                if (v.isSuccess()) {
                    ready.trySuccess(up);
                } else {
                    up.close();
                    ready.tryFailure(new Failed("TLS with " + e.hostPort() + " failed: " + v.cause().getMessage(), v.cause()));
                }
            });
        });
        return ready;
    }
}
