package dev.loopmesh.workload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

/** A {@code tcp} service's app: answers each chunk it reads with a line naming the pod. */
final class TcpEchoHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private final WorkloadRuntime rt;

    TcpEchoHandler(WorkloadRuntime rt) {
        this.rt = rt;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
        rt.served().increment();
        String line = rt.pod().name() + " (" + rt.pod().service() + " " + rt.pod().version() + ") read "
                + msg.readableBytes() + " bytes\n";
        ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), line));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
