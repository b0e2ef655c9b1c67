package dev.loopmesh.dataplane;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.util.AsciiString;

/**
 * HTTP/2 over cleartext by upgrade (RFC 7540 section 3.2, what {@code curl --http2} sends): an HTTP/1.1
 * request with {@code Upgrade: h2c} and {@code HTTP2-Settings} is answered 101 Switching Protocols and
 * becomes stream 1 of an HTTP/2 connection, as Envoy's codec accepts it. Any other request, and an
 * upgrade to another protocol, goes on as HTTP/1.1.
 */
final class H2cUpgrade {
    private H2cUpgrade() {
    }

    /** The upgrade handler, to sit between the HTTP/1.1 codec ({@code decoder}, {@code encoder}) and the proxy ({@code downstream}). */
    static ChannelHandler handler(Proxy proxy, ListenerMode mode) {
        HttpServerUpgradeHandler.SourceCodec http1 = H2cUpgrade::removeHttp1;
        HttpServerUpgradeHandler.UpgradeCodecFactory h2c = protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? new Http2ServerUpgradeCodec(Http2FrameCodecBuilder.forServer().build(),
                        new Http2MultiplexHandler(ProtocolDetector.streamInitializer(proxy, mode)))
                        : null;
        return new HttpServerUpgradeHandler(http1, h2c, ProtocolDetector.MAX_REQUEST_BYTES);
    }

    /** The HTTP/1.1 handlers of the connection give way to the HTTP/2 codec the upgrade installs. */
    private static void removeHttp1(ChannelHandlerContext ctx) {
        ChannelPipeline p = ctx.pipeline();
        for (String name : new String[] {"decoder", "encoder", "downstream"}) {
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
    }
}
