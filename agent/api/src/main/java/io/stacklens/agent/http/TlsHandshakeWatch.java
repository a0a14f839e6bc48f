package io.stacklens.agent.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.stacklens.agent.telemetry.ServerRefusals;
import io.stacklens.agent.tls.TlsFailures;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLException;

/**
 * Sits right behind the {@code SslHandler} of a TLS connection and reports a failed handshake:
 * counted as {@value ServerRefusals#TLS_HANDSHAKE} and logged with the client's address and the
 * reason in words ({@link TlsFailures}). A client that sent plain HTTP to the TLS port is answered
 * a plain 400 that says so, as a browser or curl user would otherwise see only a closed connection.
 * The handshake's exceptions end here: the refusal already said what happened.
 */
final class TlsHandshakeWatch extends ChannelInboundHandlerAdapter {
  private static final String PLAINTEXT_BODY =
      "this port speaks TLS: send the request to https://, not http://\n";
  private static final byte[] PLAINTEXT_ANSWER =
      ("HTTP/1.1 400 Bad Request\r\n"
              + "Content-Type: text/plain; charset=utf-8\r\n"
              + "Connection: close\r\n"
              + "Content-Length: "
              + PLAINTEXT_BODY.length()
              + "\r\n\r\n"
              + PLAINTEXT_BODY)
          .getBytes(StandardCharsets.US_ASCII);

  private final ServerRefusals refusals;
  private boolean handshakeFailed;

  TlsHandshakeWatch(ServerRefusals refusals) {
    this.refusals = refusals;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
      handshakeFailed = true;
      Throwable cause = done.cause();
      TlsFailures.report(refusals, ctx.channel().remoteAddress(), cause);
      if (cause instanceof NotSslRecordException && ctx.channel().isActive()) {
        // Past the SslHandler, straight to the socket: the client reads plain HTTP.
        ctx.pipeline().firstContext().writeAndFlush(Unpooled.wrappedBuffer(PLAINTEXT_ANSWER));
      }
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    boolean tls =
        cause instanceof SSLException
            || cause instanceof NotSslRecordException
            || (cause instanceof DecoderException && cause.getCause() instanceof SSLException);
    if (tls && handshakeFailed) {
      ctx.close();
      return;
    }
    ctx.fireExceptionCaught(cause);
  }
}
