package dev.loopmesh.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;

import java.util.List;

/**
 * Looks at the first bytes of a downstream connection: the HTTP/2 connection preface means h2c
 * with prior knowledge (what gRPC and {@code curl --http2-prior-knowledge} send), anything else is
 * HTTP/1.1, which may still become h2c by {@code Upgrade: h2c} ({@link H2cUpgrade}). Then it installs
 * that protocol's pipeline and steps aside.
 */
final class ProtocolDetector extends ByteToMessageDecoder {
    /** The largest upgrade request (Upgrade: h2c) the upgrade handler gathers. */
    static final int MAX_REQUEST_BYTES = 8 * 1024 * 1024;
    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final Proxy proxy;
    private final ListenerMode mode;

    ProtocolDetector(Proxy proxy, ListenerMode mode) {
        this.proxy = proxy;
        this.mode = mode;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (mode == ListenerMode.INBOUND && proxy.inboundIsTcp()) {
            // a tcp service: no HTTP at all, the bytes go to the app as they are
            ctx.pipeline().replace(this, "tcp", TcpRelay.toApp(proxy, proxy.inboundCluster().config().endpoints().get(0)));
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
        if (!ByteBufUtil.equals(in, in.readerIndex(), PREFACE, 0, n)) {
            http1(ctx);
        } else if (n == PREFACE.readableBytes()) {
            http2(ctx);
        }
        // else: a prefix of the preface so far, wait for more
    }

    private void http1(ChannelHandlerContext ctx) {
        http1(ctx.pipeline(), ctx.name(), proxy, mode);
        ctx.pipeline().remove(this);
    }

    /**
     * The HTTP/1.1 pipeline, after the handler named {@code after}: requests decoded as strictly as Envoy
     * does, responses encoded, the h2c upgrade, then the proxy ({@code downstream}).
     */
    static void http1(ChannelPipeline p, String after, Proxy proxy, ListenerMode mode) {
        p.addAfter(after, "decoder", new StrictRequestDecoder());
        p.addAfter("decoder", "encoder", new HttpResponseEncoder());
        p.addAfter("encoder", "h2c-upgrade", H2cUpgrade.handler(proxy, mode));
        p.addAfter("h2c-upgrade", "downstream", new DownstreamHandler(proxy, mode));
    }

    private void http2(ChannelHandlerContext ctx) {
        ctx.pipeline().addAfter(ctx.name(), "h2", Http2FrameCodecBuilder.forServer().build());
        ctx.pipeline().addAfter("h2", "h2-streams", new Http2MultiplexHandler(streamInitializer(proxy, mode)));
        ctx.pipeline().remove(this);
    }

    /** The pipeline of one HTTP/2 stream: to HTTP/1.1 objects, then the proxy. */
    static ChannelInitializer<Channel> streamInitializer(Proxy proxy, ListenerMode mode) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline()
                        .addLast("h2-to-http", new Http2StreamFrameToHttpObjectCodec(true))
                        .addLast("downstream", new DownstreamHandler(proxy, mode));
            }
        };
    }
}
