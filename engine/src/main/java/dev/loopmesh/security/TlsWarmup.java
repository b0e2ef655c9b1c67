package dev.loopmesh.security;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;

/**
 * One in-memory mTLS handshake between two identities when the mesh starts: the JDK's first TLS 1.3
 * handshake loads and JIT-compiles much of its TLS stack (seconds on a busy laptop), which would
 * otherwise land on the first requests and trip their timeouts.
 */
final class TlsWarmup {
    private TlsWarmup() {
    }

    static void run(MeshTls server, MeshTls client) {
        EmbeddedChannel s = new EmbeddedChannel();
        EmbeddedChannel c = new EmbeddedChannel();
        try {
            SslHandler sh = server.serverHandler(s.alloc());
            SslHandler ch = client.clientHandler(c.alloc(), "warmup", 1, true);
            s.pipeline().addLast(sh);
            c.pipeline().addLast(ch);
            for (int i = 0; i < 50 && !(sh.handshakeFuture().isDone() && ch.handshakeFuture().isDone()); i++) {
                if (!pump(c, s) & !pump(s, c)) {
                    break;
                }
            }
        } catch (RuntimeException ignored) {
            // a warm-up failure only costs time later
        } finally {
            release(s);
            release(c);
        }
    }

    private static boolean pump(EmbeddedChannel from, EmbeddedChannel to) {
        boolean any = false;
        Object o;
        while ((o = from.readOutbound()) != null) {
            any = true;
            to.writeInbound(o);
        }
        return any;
    }

    private static void release(EmbeddedChannel ch) {
        ch.finishAndReleaseAll();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ((ByteBuf) o).release();
        }
    }
}
