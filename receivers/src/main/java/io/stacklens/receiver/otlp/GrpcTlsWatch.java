package io.stacklens.receiver.otlp;

import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.stacklens.agent.telemetry.ServerRefusals;
import io.stacklens.agent.tls.TlsFailures;

/**
 * Behind the {@code SslHandler} of a gRPC connection: a failed handshake is counted as {@value
 * ServerRefusals#TLS_HANDSHAKE} and logged with the client's address and the reason in words; the
 * exceptions that follow it end here instead of reaching gRPC's handlers (which would log each with
 * a stack trace). The HTTP server's twin is {@code io.stacklens.agent.http.TlsHandshakeWatch} (the
 * other Netty copy).
 */
final class GrpcTlsWatch extends ChannelInboundHandlerAdapter {
  private final ServerRefusals refusals;
  private boolean handshakeFailed;

  GrpcTlsWatch(ServerRefusals refusals) {
    this.refusals = refusals;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
      handshakeFailed = true;
      Throwable cause = done.cause();
      TlsFailures.report(refusals, ctx.channel().remoteAddress(), cause);
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (handshakeFailed) {
      ctx.close();
      return;
    }
    ctx.fireExceptionCaught(cause);
  }
}
