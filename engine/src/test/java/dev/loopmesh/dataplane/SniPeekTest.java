package dev.loopmesh.dataplane;

import dev.loopmesh.testing.TcpClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SniCompletionEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Envoy's tls_inspector as SniPeek does it: the SNI of a ClientHello, read without consuming a byte. */
class SniPeekTest {
    /** Records the SNI events and the bytes that reach the relay. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        final List<String> events = new ArrayList<>();
        final ByteBuf bytes = Unpooled.buffer();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SniCompletionEvent) {
                String h = ((SniCompletionEvent) evt).hostname();
                events.add(h == null ? "(none)" : h);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            bytes.writeBytes(b);
            b.release();
        }
    }

    @Test
    void aClientHelloInTwoPiecesNamesItsServerAndPassesOnUntouched() {
        Relay relay = new Relay();
        EmbeddedChannel ch = new EmbeddedChannel(new SniPeek(), relay);
        byte[] hello = TcpClient.clientHello("v2.db.example.com");
        ch.writeInbound(Unpooled.wrappedBuffer(hello, 0, 40));
        assertThat(relay.events).isEmpty(); // waits for the whole ClientHello
        ch.writeInbound(Unpooled.wrappedBuffer(hello, 40, hello.length - 40));
        assertThat(relay.events).containsExactly("v2.db.example.com");
        assertThat(ByteBufUtil.getBytes(relay.bytes)).isEqualTo(hello);
        assertThat(ch.pipeline().get(SniPeek.class)).isNull();
        relay.bytes.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void aFirstByteThatIsNoHandshakeRecordMeansNoSniAtOnce() {
        Relay relay = new Relay();
        EmbeddedChannel ch = new EmbeddedChannel(new SniPeek(), relay);
        ch.writeInbound(Unpooled.copiedBuffer("t\n", StandardCharsets.US_ASCII)); // shorter than a TLS record header
        assertThat(relay.events).containsExactly("(none)");
        assertThat(relay.bytes.toString(StandardCharsets.US_ASCII)).isEqualTo("t\n");
        relay.bytes.release();
        ch.finishAndReleaseAll();
    }
}
