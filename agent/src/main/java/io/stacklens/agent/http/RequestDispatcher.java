package io.stacklens.agent.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.stacklens.agent.telemetry.LatencyHistogram;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands each complete request of one connection to the {@link HttpHandler} and writes the answer.
 * Reading pauses while a request is being answered, so responses on a keep-alive connection stay in
 * request order even when handlers complete asynchronously.
 */
final class RequestDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final System.Logger LOG = System.getLogger(RequestDispatcher.class.getName());

  private final HttpServer server;
  private final HttpHandler handler;
  private final LatencyHistogram latency;
  private final Executor executor;

  RequestDispatcher(HttpServer server, HttpHandler handler, LatencyHistogram latency, Executor executor) {
    this.server = server;
    this.handler = handler;
    this.latency = latency;
    this.executor = executor;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    long start = System.nanoTime();
    HttpVersion version = request.protocolVersion();
    if (!request.decoderResult().isSuccess()) {
      String why = String.valueOf(request.decoderResult().cause());
      ctx.writeAndFlush(NettyResponses.toNetty(HttpResponse.text(400, "malformed HTTP request: " + why), version, false))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    server.requestStarted();
    ctx.channel().config().setAutoRead(false);
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    HttpRequest req =
        new HttpRequest(
            request.method().name(),
            uri.path(),
            uri.rawQuery(),
            request.headers().copy(),
            ByteBufUtil.getBytes(request.content()),
            ctx.channel().remoteAddress());
    if (executor == null) {
      invoke(ctx, req, version, keepAlive, start);
      return;
    }
    try {
      executor.execute(() -> invoke(ctx, req, version, keepAlive, start));
    } catch (RejectedExecutionException e) {
      respond(ctx, req, HttpResponse.text(503, server.name() + " is too busy or stopping; retry later"), null, version, keepAlive, start);
    }
  }

  private void invoke(ChannelHandlerContext ctx, HttpRequest req, HttpVersion version, boolean keepAlive, long start) {
    CompletionStage<HttpResponse> answer;
    try {
      answer = handler.handle(req);
    } catch (RuntimeException | Error e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((response, error) -> respond(ctx, req, response, error, version, keepAlive, start));
  }

  private void respond(
      ChannelHandlerContext ctx,
      HttpRequest req,
      HttpResponse response,
      Throwable error,
      HttpVersion version,
      boolean keepAlive,
      long start) {
    if (error != null || response == null) {
      LOG.log(System.Logger.Level.WARNING, server.name() + ": handler failed for " + req.method() + " " + req.path(), error);
      response = HttpResponse.text(500, "internal error while handling " + req.method() + " " + req.path() + ": " + error);
    }
    boolean keepOpen = keepAlive && !server.isClosing();
    ctx.writeAndFlush(NettyResponses.toNetty(response, version, keepOpen))
        .addListener(
            f -> {
              if (latency != null) latency.recordNanos(System.nanoTime() - start);
              server.requestFinished();
              if (!keepOpen || !f.isSuccess()) {
                ctx.close();
              } else {
                ctx.channel().config().setAutoRead(true);
              }
            });
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(System.Logger.Level.DEBUG, () -> server.name() + ": closing connection from " + ctx.channel().remoteAddress() + ": " + cause);
    ctx.close();
  }
}
