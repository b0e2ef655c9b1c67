package dev.loopmesh.bench;

import dev.loopmesh.internal.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The cheapest server there is: answers every request (a GET, ended by an empty line) with the same
 * pre-encoded response. Client against it is the client's own floor: what the bench client and the
 * loopback stack cost, with no app and no proxy.
 */
final class CannedServer implements AutoCloseable {
    private final Channel server;
    private final ByteBuf raw;
    private final int bodyBytes;

    CannedServer(EventLoops loops, int bodyBytes) {
        this.bodyBytes = bodyBytes;
        byte[] body = new byte[bodyBytes];
        Arrays.fill(body, (byte) 'x');
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + bodyBytes + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        raw = Unpooled.directBuffer(head.length + bodyBytes).writeBytes(head).writeBytes(body);
        ByteBuf response = Unpooled.unreleasableBuffer(raw);
        server = new ServerBootstrap().group(loops.group()).channel(loops.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Responder(response));
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    int bodyBytes() {
        return bodyBytes;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        raw.release();
    }

    /** Counts request ends (CRLF CRLF) across reads; one response per request. */
    private static final class Responder extends ChannelInboundHandlerAdapter {
        private final ByteBuf response;
        private int matched;

        Responder(ByteBuf response) {
            this.response = response;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            int answers = 0;
            try {
                for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
                    byte b = in.getByte(i);
                    boolean expected = (matched % 2 == 0) ? b == '\r' : b == '\n';
                    matched = expected ? matched + 1 : (b == '\r' ? 1 : 0);
                    if (matched == 4) {
                        matched = 0;
                        answers++;
                    }
                }
            } finally {
                in.release();
            }
            for (int i = 0; i < answers; i++) {
                ctx.write(response.retainedDuplicate(), ctx.voidPromise());
            }
            if (answers > 0) {
                ctx.flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
