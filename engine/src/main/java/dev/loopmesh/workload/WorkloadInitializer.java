package dev.loopmesh.workload;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;

/**
 * The pipeline of one accepted connection, in named steps: TCP services get the echo app; HTTP services
 * speak HTTP/1.1, or HTTP/2 cleartext by prior knowledge or by the HTTP/1.1 Upgrade, and every HTTP/2
 * stream becomes a child channel with the same request handler as an HTTP/1.1 connection.
 */
final class WorkloadInitializer extends ChannelInitializer<Channel> {
    private static final int MAX_REQUEST_BYTES = 1024 * 1024;

    private final WorkloadRuntime rt;
    private final boolean http;

    WorkloadInitializer(WorkloadRuntime rt) {
        this.rt = rt;
        this.http = rt.pod().protocol() == null || rt.pod().protocol().isHttp();
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!http) {
            ch.pipeline().addLast("tcp-app", new TcpEchoHandler(rt));
            return;
        }
        HttpServerCodec codec = new HttpServerCodec();
        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(codec, protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? new Http2ServerUpgradeCodec(Http2FrameCodecBuilder.forServer().build(), multiplexer())
                        : null, MAX_REQUEST_BYTES);
        ch.pipeline().addLast("h2c", new CleartextHttp2ServerUpgradeHandler(codec, upgrade, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel c) {
                c.pipeline().addLast("h2-frames", Http2FrameCodecBuilder.forServer().build());
                c.pipeline().addLast("h2-streams", multiplexer());
            }
        }));
        ch.pipeline().addLast("http1", new Http1Installer());
    }

    private Http2MultiplexHandler multiplexer() {
        return new Http2MultiplexHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel stream) {
                stream.pipeline().addLast("h2-to-http", new Http2StreamFrameToHttpObjectCodec(true));
                stream.pipeline().addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES));
                stream.pipeline().addLast("app", new WorkloadHandler(rt));
            }
        });
    }

    /** Installs the HTTP/1.1 handlers at the first HTTP/1.1 request; leaves when the connection turns HTTP/2. */
    private final class Http1Installer extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpMessage) {
                ctx.pipeline().addAfter(ctx.name(), "aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES));
                ctx.pipeline().addAfter("aggregator", "app", new WorkloadHandler(rt));
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof CleartextHttp2ServerUpgradeHandler.PriorKnowledgeUpgradeEvent
                    || evt instanceof HttpServerUpgradeHandler.UpgradeEvent) {
                ctx.pipeline().remove(this);
            }
            ctx.fireUserEventTriggered(evt);
        }
    }
}
