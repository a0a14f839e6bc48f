package io.stacklens.agent.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Netty's aggregator, but an oversized request is answered by the handler's {@link
 * HttpHandler#bodyTooLarge} (413 with a body the client understands) instead of an empty 413.
 *
 * <p>The body is kept as the list of buffers it arrived in: by default Netty consolidates a
 * composite of more than 1,024 parts into one contiguous buffer, which for a 20 MiB body is a 20
 * MiB native allocation that glibc then keeps (measured: +60 MiB of RSS after a few large
 * requests). The dispatcher copies the parts into one heap array, counted in the memory budget, and
 * frees them.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {
  private final HttpHandler handler;
  private final int maxBodyBytes;

  BodyLimitAggregator(int maxBodyBytes, HttpHandler handler) {
    super(maxBodyBytes);
    setMaxCumulationBufferComponents(Integer.MAX_VALUE);
    this.maxBodyBytes = maxBodyBytes;
    this.handler = handler;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized)
      throws Exception {
    if (!(oversized instanceof HttpRequest request)) {
      super.handleOversizedMessage(ctx, oversized);
      return;
    }
    HttpResponse answer =
        handler.bodyTooLarge(
            request.method().name(),
            new QueryStringDecoder(request.uri()).path(),
            request.headers(),
            maxBodyBytes);
    // Part of the body was already read (no Content-Length up front) or the client will not reuse
    // the
    // connection: close. Otherwise the aggregator skips the rest of this body and the connection
    // lives on.
    boolean close =
        oversized instanceof FullHttpMessage
            || (!HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized));
    var future =
        ctx.writeAndFlush(NettyResponses.toNetty(answer, request.protocolVersion(), !close));
    future.addListener(
        close ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
  }
}
