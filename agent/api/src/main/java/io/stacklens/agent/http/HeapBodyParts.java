package io.stacklens.agent.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;

/**
 * Moves each part of a request body out of Netty's pooled direct memory into a heap array as it
 * arrives, before the aggregator keeps it. Bodies are held until their request is answered; kept in
 * the direct pool, a few large bodies grow the pool's arenas, which never shrink (measured: +57 MiB
 * of RSS for one 19 MiB body). On the heap they are bounded by -Xmx, counted in the memory budget,
 * and collected once answered. Only the socket read buffers stay direct.
 */
final class HeapBodyParts extends ChannelInboundHandlerAdapter {
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpContent part
        && part.content().isDirect()
        && part.content().isReadable()) {
      ByteBuf direct = part.content();
      ByteBuf heap = Unpooled.buffer(direct.readableBytes(), direct.readableBytes());
      heap.writeBytes(direct);
      HttpContent copy = part.replace(heap);
      part.release();
      ctx.fireChannelRead(copy);
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
