package io.stacklens.agent.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.telemetry.LatencyHistogram;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands each complete request of one connection to the {@link HttpHandler} and writes the answer.
 * Reading pauses while a request is being answered, and requests a pipelining client sent in the
 * same packet wait here for their turn, so responses on a keep-alive connection stay in request
 * order even when handlers complete asynchronously.
 *
 * <p>The body is copied into the {@link HttpRequest} and Netty's (pooled, possibly direct) buffer
 * is released at once. The body's memory reservation ({@link ConnectionGuard#takeReservation}) is
 * released when the handler's stage completes.
 */
final class RequestDispatcher extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(RequestDispatcher.class.getName());

  private final HttpServer server;
  private final HttpHandler handler;
  private final LatencyHistogram latency;
  private final Executor executor;
  private final ConnectionGuard guard;
  private final MemoryLimiter memory;

  /** Complete requests waiting for the one being answered (pipelining). Event loop only. */
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>(2);

  private boolean busy;

  /** A request ready for the handler, with what its answer needs. */
  private record Pending(
      HttpRequest request, HttpVersion version, boolean keepAlive, long reserved, long start) {}

  RequestDispatcher(
      HttpServer server,
      HttpHandler handler,
      LatencyHistogram latency,
      Executor executor,
      ConnectionGuard guard,
      MemoryLimiter memory) {
    this.server = server;
    this.handler = handler;
    this.latency = latency;
    this.executor = executor;
    this.guard = guard;
    this.memory = memory;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    long start = System.nanoTime();
    long reserved = guard.takeReservation();
    Pending pending;
    try {
      HttpVersion version = request.protocolVersion();
      if (!request.decoderResult().isSuccess()) {
        memory.release(reserved);
        String why = String.valueOf(request.decoderResult().cause());
        ctx.writeAndFlush(
                NettyResponses.toNetty(
                    HttpResponse.text(400, "malformed HTTP request: " + why), version, false))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      QueryStringDecoder uri = new QueryStringDecoder(request.uri());
      HttpRequest req =
          new HttpRequest(
              request.method().name(),
              uri.path(),
              uri.rawQuery(),
              request.headers().copy(),
              ByteBufUtil.getBytes(request.content()),
              ctx.channel().remoteAddress());
      // The parts are garbage once the request is released below: the reservation keeps the array's
      // share.
      long kept = reserved / ConnectionGuard.COPIES;
      memory.release(reserved - kept);
      reserved = kept;
      pending = new Pending(req, version, HttpUtil.isKeepAlive(request), reserved, start);
    } finally {
      ReferenceCountUtil.release(
          request); // the body lives on as the copy; the pooled buffer goes back now
    }
    server.requestStarted();
    if (busy) {
      waiting.add(pending);
      return;
    }
    dispatch(ctx, pending);
  }

  private void dispatch(ChannelHandlerContext ctx, Pending p) {
    busy = true;
    ctx.channel().config().setAutoRead(false);
    if (executor == null) {
      invoke(ctx, p);
      return;
    }
    try {
      executor.execute(() -> invoke(ctx, p));
    } catch (RejectedExecutionException e) {
      done(p);
      respond(
          ctx,
          p,
          HttpResponse.text(503, server.name() + " is too busy or stopping; retry later"),
          null);
    }
  }

  private void invoke(ChannelHandlerContext ctx, Pending p) {
    CompletionStage<HttpResponse> answer;
    try {
      answer = handler.handle(p.request());
    } catch (RuntimeException | Error e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete(
        (response, error) -> {
          done(p);
          respond(ctx, p, response, error);
        });
  }

  /** The handler is done with the body: give its reservation back. */
  private void done(Pending p) {
    memory.release(p.reserved());
  }

  private void respond(
      ChannelHandlerContext ctx, Pending p, HttpResponse response, Throwable error) {
    HttpRequest req = p.request();
    if (error != null || response == null) {
      LOG.log(
          System.Logger.Level.WARNING,
          server.name() + ": handler failed for " + req.method() + " " + req.path(),
          error);
      response =
          HttpResponse.text(
              500,
              "internal error while handling " + req.method() + " " + req.path() + ": " + error);
    }
    boolean keepOpen = p.keepAlive() && !server.isClosing();
    // Netty runs the write, and the listener, on the connection's event loop.
    ctx.writeAndFlush(NettyResponses.toNetty(response, p.version(), keepOpen))
        .addListener(
            f -> {
              if (latency != null) latency.recordNanos(System.nanoTime() - p.start());
              server.requestFinished();
              if (!keepOpen || !f.isSuccess()) {
                drop();
                ctx.close();
              } else {
                next(ctx);
              }
            });
  }

  /** Answers the next waiting request, or resumes reading. */
  private void next(ChannelHandlerContext ctx) {
    busy = false;
    Pending p = waiting.poll();
    if (p != null) {
      dispatch(ctx, p);
    } else {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /**
   * The connection is closing: requests still waiting are never answered; give back what they hold.
   */
  private void drop() {
    for (Pending p; (p = waiting.poll()) != null; ) {
      done(p);
      server.requestFinished();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    drop();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(
        System.Logger.Level.DEBUG,
        () ->
            server.name()
                + ": closing connection from "
                + ctx.channel().remoteAddress()
                + ": "
                + cause);
    ctx.close();
  }
}
