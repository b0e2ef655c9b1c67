package dev.loopmesh.security;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import dev.loopmesh.policy.authn.MtlsMode;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The first handler of a sidecar's inbound connection: looks at the first bytes (a TLS record header
 * {@code 16 03 0x} is a ClientHello — Envoy's tls_inspector) and, per the port's PeerAuthentication
 * mode, terminates mTLS, lets plaintext through (PERMISSIVE, DISABLE), or resets a plaintext
 * connection (STRICT: no filter chain matches, so Envoy closes it). The mode is read once per
 * connection, so a new policy applies to new connections.
 */
public final class InboundTls extends ByteToMessageDecoder {
    private final MeshTls tls;
    private final Supplier<MtlsMode> mode;
    private final Consumer<String> refused;

    /**
     * @param tls     the workload's TLS material (null: a proxy without mTLS, everything is plaintext)
     * @param refused told why a connection was refused (for telemetry), may be a no-op
     */
    public InboundTls(MeshTls tls, Supplier<MtlsMode> mode, Consumer<String> refused) {
        this.tls = tls;
        this.mode = requireNonNull(mode, "mode");
        this.refused = requireNonNull(refused, "refused");
    }

    /** Whether these bytes start a TLS handshake record (content type 22, version 3.x). */
    public static boolean isTlsHandshake(ByteBuf in) {
        int i = in.readerIndex();
        return in.readableBytes() >= 3 && in.getUnsignedByte(i) == 0x16 && in.getUnsignedByte(i + 1) == 0x03
                && in.getUnsignedByte(i + 2) <= 0x04;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 3 && (in.readableBytes() == 0 || in.getUnsignedByte(in.readerIndex()) == 0x16)) {
            return; // wait for the record header
        }
        MtlsMode m = mode.get();
        boolean tlsHello = isTlsHandshake(in);
        if (tlsHello && tls != null && m.acceptsMtls()) {
            SslHandler ssl = tls.serverHandler(ctx.alloc());
            ssl.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                    MeshTls.recordHandshake(ctx.channel(), ssl, true);
                } else {
                    refused.accept("TLS handshake failed: " + f.cause().getMessage());
                }
            });
            ctx.pipeline().addAfter(ctx.name(), "tls", ssl);
            // a failed handshake is an exception no later handler expects: end it here, quietly
            ctx.pipeline().addLast("tls-errors", new io.netty.channel.ChannelInboundHandlerAdapter() {
                @Override
                public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
                    c.close();
                }
            });
            ctx.pipeline().remove(this);
            return;
        }
        if (!tlsHello && !m.acceptsPlaintext()) {
            refused.accept("plaintext refused: PeerAuthentication STRICT");
            in.skipBytes(in.readableBytes());
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
