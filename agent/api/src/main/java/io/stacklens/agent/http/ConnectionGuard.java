package io.stacklens.agent.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.stacklens.agent.api.Durations;
import io.stacklens.agent.auth.Authenticator;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.telemetry.ServerRefusals;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One connection's protections, between the HTTP codec and the aggregator: the timeouts of {@link
 * HttpServerLimits}, answers to heads the codec could not read (431, 414, 400), and the memory
 * reservation of request bodies.
 *
 * <p><b>Timeouts</b> follow Go's {@code net/http}: a request's clock starts when the connection
 * opens (first request) or when the first byte of the next request arrives on a kept-alive
 * connection. Its head must be complete within {@code read_header_timeout} and the whole request
 * within {@code read_timeout}; otherwise the client gets 408 (or, when it sent nothing, the
 * connection is just closed). Between requests a kept-alive connection may wait {@code
 * idle_timeout}. While the server itself is busy with a request (handler running, response not yet
 * written) no clock runs: slowness there is ours, not the client's.
 *
 * <p><b>Authentication</b>: with {@code auth}, a head without its credential is answered {@link
 * HttpHandler#unauthenticated} (401) and the connection closed, before any of the body is read.
 *
 * <p><b>Memory</b>: when a head arrives its body is reserved from the {@link MemoryLimiter}, whole
 * when {@code Content-Length} is known, chunk by chunk when it is chunked. A body that does not fit
 * is answered {@link HttpHandler#overloaded} (429) and the connection closed without reading the
 * rest. The {@link RequestDispatcher} takes over a complete request's reservation ({@link
 * #takeReservation}) and releases it when the handler is done; whatever nobody took is released
 * here.
 *
 * <p>Answers of its own are written in request order: when earlier requests of a pipelining client
 * are still unanswered, the refusal waits for their responses. Runs on the connection's event loop
 * only.
 */
final class ConnectionGuard extends ChannelDuplexHandler {
  private enum Reading {
    /** Between requests: nothing of the next one has arrived. */
    NONE,
    /** Reading a request line and headers (or waiting for them on a fresh connection). */
    HEAD,
    /** Head forwarded, reading the body. */
    BODY,
    /** Refused: inbound data is dropped until the connection closes. */
    REFUSED
  }

  private final HttpServer server;
  private final HttpServerLimits limits;
  private final MemoryLimiter memory;
  private final ServerRefusals refusals;
  private final HttpHandler handler;
  private final int maxBodyBytes;
  private final Authenticator auth;

  private ChannelHandlerContext ctx;
  private Reading reading = Reading.HEAD;

  /** Whether any byte of the request being read has arrived. */
  private boolean bytesSeen;

  /** Requests read completely and not answered yet (the handler is working on them). */
  private int unanswered;

  /** The head of the request being read was forwarded and it was not answered yet. */
  private boolean currentForwarded;

  private HttpRequest currentHead;
  private boolean reserveChunks;

  /**
   * A body is reserved twice: its parts as they arrive and the one array the handler gets are both
   * alive while it is copied. The dispatcher gives one copy back once it has the array ({@link
   * RequestDispatcher}).
   */
  static final int COPIES = 2;

  /** Bytes reserved for the request being read, not yet taken by the dispatcher. */
  private long reserved;

  private ScheduledFuture<?> headerTimer;
  private ScheduledFuture<?> readTimer;
  private ScheduledFuture<?> idleTimer;

  /** A refusal waiting for {@link #unanswered} earlier responses to be written first. */
  private FullHttpResponse deferredAnswer;

  ConnectionGuard(HttpServer server, HttpServerOptions options, HttpHandler handler) {
    this.server = server;
    this.limits = options.limits();
    this.memory = options.memory();
    this.refusals = options.refusals();
    this.handler = handler;
    this.maxBodyBytes = options.maxBodyBytes();
    this.auth = options.auth();
  }

  /** The handler to put before the codec: tells this guard when raw bytes arrive. */
  ChannelInboundHandler byteWatcher() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext c, Object msg) {
        if (msg instanceof ByteBuf b && b.isReadable()) bytesArrived();
        c.fireChannelRead(msg);
      }
    };
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    startRequestClock();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimers();
    releaseReservation();
    ctx.fireChannelInactive();
  }

  /** The reservation of the request just completed, now owned by the caller (who releases it). */
  long takeReservation() {
    long r = reserved;
    reserved = 0;
    return r;
  }

  private void bytesArrived() {
    if (reading == Reading.NONE) {
      cancel(idleTimer);
      idleTimer = null;
      reading = Reading.HEAD;
      if (unanswered == 0) startRequestClock();
    }
    if (reading == Reading.HEAD) bytesSeen = true;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (reading == Reading.REFUSED) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest head) {
      if (!head.decoderResult().isSuccess()) {
        ReferenceCountUtil.release(msg);
        refuseUnreadableHead(head.decoderResult().cause());
        return;
      }
      if (auth != null && !auth.accepts(head.headers().get(HttpHeaderNames.AUTHORIZATION))) {
        ReferenceCountUtil.release(msg);
        refuseUnauthenticated(head);
        return;
      }
      if (!startBody(head)) {
        ReferenceCountUtil.release(msg);
        return;
      }
    }
    if (msg instanceof HttpContent content && reserveChunks && content.content().isReadable()) {
      long n = (long) COPIES * content.content().readableBytes();
      if (!memory.tryAcquire(n)) {
        ReferenceCountUtil.release(msg);
        refuseForMemory(currentHead, reserved + n);
        return;
      }
      reserved += n;
    }
    boolean last = msg instanceof LastHttpContent;
    if (last) {
      cancel(readTimer);
      readTimer = null;
      reading = Reading.NONE;
      if (currentForwarded) unanswered++;
      currentForwarded = false;
      currentHead = null;
      reserveChunks = false;
    }
    ctx.fireChannelRead(msg);
    if (last) {
      releaseReservation(); // the dispatcher took it unless the request was dropped (e.g. answered
      // 413)
      if (unanswered == 0 && reading == Reading.NONE) startIdleClock();
    }
  }

  /** Reserves the body of a readable head; false when refused (answered here). */
  private boolean startBody(HttpRequest head) {
    cancel(headerTimer);
    headerTimer = null;
    reading = Reading.BODY;
    currentHead = head;
    reserveChunks = false;
    if (HttpUtil.isTransferEncodingChunked(head)) {
      reserveChunks = true;
    } else {
      long length = HttpUtil.getContentLength(head, 0L);
      // Larger than max body: the aggregator answers 413 and reads nothing, so there is nothing to
      // reserve.
      if (length > 0 && length <= maxBodyBytes) {
        if (!memory.tryAcquire(COPIES * length)) {
          refuseForMemory(head, length);
          return false;
        }
        reserved = COPIES * length;
      }
    }
    currentForwarded = true;
    return true;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean finalResponse =
        msg instanceof io.netty.handler.codec.http.HttpResponse r && r.status().code() >= 200;
    ctx.write(msg, promise);
    if (!finalResponse) return;
    // Responses are written in request order: this one answers the oldest unanswered request.
    if (unanswered > 0) {
      unanswered--;
    } else {
      currentForwarded = false; // answered before its body was read (413)
    }
    if (unanswered > 0) return;
    if (deferredAnswer != null) {
      ctx.writeAndFlush(deferredAnswer).addListener(ChannelFutureListener.CLOSE);
      deferredAnswer = null;
    } else if (reading == Reading.NONE) {
      startIdleClock();
    } else if (reading != Reading.REFUSED && readTimer == null) {
      startRequestClock(); // a pipelined request arrived while we were busy: its clock starts now
    }
  }

  private void startRequestClock() {
    cancel(idleTimer);
    idleTimer = null;
    if (reading == Reading.HEAD && headerTimer == null) {
      headerTimer = schedule(this::headerTimeout, limits.readHeaderTimeout().toNanos());
    }
    if (readTimer == null) readTimer = schedule(this::readTimeout, limits.readTimeout().toNanos());
  }

  private void startIdleClock() {
    if (server.isClosing() || !ctx.channel().isActive()) return;
    cancel(idleTimer);
    bytesSeen = false;
    idleTimer = schedule(this::idleTimeout, limits.idleTimeout().toNanos());
  }

  private ScheduledFuture<?> schedule(Runnable task, long nanos) {
    return ctx.executor().schedule(task, nanos, TimeUnit.NANOSECONDS);
  }

  private void headerTimeout() {
    headerTimer = null;
    if (reading != Reading.HEAD) return;
    timedOut(
        ServerRefusals.HEADER_TIMEOUT,
        "request headers were not complete within "
            + Durations.format(limits.readHeaderTimeout())
            + " ("
            + limits.key("read_header_timeout")
            + ")");
  }

  private void readTimeout() {
    readTimer = null;
    if (reading == Reading.HEAD) {
      headerTimeout(); // read_timeout equal to read_header_timeout: the same slowness
      return;
    }
    if (reading != Reading.BODY) return;
    String why =
        "the request was not complete within "
            + Durations.format(limits.readTimeout())
            + " ("
            + limits.key("read_timeout")
            + ")";
    String what = describe(currentHead);
    if (!currentForwarded) {
      // Already answered (413) while its body was being skipped: no second answer, just close.
      reading = Reading.REFUSED;
      cancelTimers();
      refusals.refusedRequest(
          ServerRefusals.READ_TIMEOUT, () -> "closed the connection of " + what + ": " + why);
      ctx.close();
      return;
    }
    refuse(
        HttpResponse.text(408, why),
        ServerRefusals.READ_TIMEOUT,
        false,
        () -> "answered 408 to " + what + ": " + why + "; closed the connection");
  }

  private void timedOut(String reason, String why) {
    String from = String.valueOf(ctx.channel().remoteAddress());
    if (bytesSeen) {
      refuse(
          HttpResponse.text(408, why),
          reason,
          true,
          () -> "answered 408 to a request from " + from + ": " + why + "; closed the connection");
    } else {
      reading = Reading.REFUSED;
      cancelTimers();
      refusals.refusedConnection(
          reason, () -> "closed a connection from " + from + " that sent nothing: " + why);
      ctx.close();
    }
  }

  private void idleTimeout() {
    idleTimer = null;
    if (reading != Reading.NONE || unanswered > 0) return;
    reading = Reading.REFUSED;
    String from = String.valueOf(ctx.channel().remoteAddress());
    refusals.closedConnection(
        ServerRefusals.IDLE_TIMEOUT,
        () ->
            "closed a connection from "
                + from
                + " idle for "
                + Durations.format(limits.idleTimeout())
                + " ("
                + limits.key("idle_timeout")
                + ")");
    ctx.close();
  }

  private void refuseUnreadableHead(Throwable cause) {
    String from = String.valueOf(ctx.channel().remoteAddress());
    if (cause instanceof TooLongHttpHeaderException) {
      String why =
          "request headers are larger than the limit of "
              + limits.maxHeaderSize()
              + " bytes ("
              + limits.key("max_header_size")
              + ")";
      refuse(
          HttpResponse.text(431, why),
          ServerRefusals.HEADER_TOO_LARGE,
          false,
          () -> "answered 431 to a request from " + from + ": " + why);
    } else if (cause instanceof TooLongHttpLineException) {
      String why =
          "the request line is longer than the limit of " + limits.maxRequestLine() + " bytes";
      refuse(
          HttpResponse.text(414, why),
          ServerRefusals.REQUEST_LINE_TOO_LONG,
          false,
          () -> "answered 414 to a request from " + from + ": " + why);
    } else {
      String why = "malformed HTTP request: " + (cause == null ? "unreadable" : cause.getMessage());
      refuse(
          HttpResponse.text(400, why),
          ServerRefusals.MALFORMED_REQUEST,
          false,
          () -> "answered 400 to a request from " + from + ": " + why);
    }
  }

  /** A request without the credential {@code auth} asks for: 401, before its body is read. */
  private void refuseUnauthenticated(HttpRequest head) {
    String why = auth.refusal(head.headers().get(HttpHeaderNames.AUTHORIZATION));
    HttpResponse answer =
        handler
            .unauthenticated(
                head.method().name(),
                new QueryStringDecoder(head.uri()).path(),
                head.headers(),
                why)
            .withHeader("WWW-Authenticate", auth.challenge());
    String what = describe(head);
    refuse(
        answer,
        ServerRefusals.UNAUTHENTICATED,
        false,
        () -> "answered 401 to " + what + " from " + ctx.channel().remoteAddress() + ": " + why);
  }

  private void refuseForMemory(HttpRequest head, long bodyBytes) {
    String path = new QueryStringDecoder(head.uri()).path();
    HttpHeaders headers = head.headers();
    HttpResponse answer = handler.overloaded(head.method().name(), path, headers);
    if (!answer.headers().containsKey("Retry-After"))
      answer = answer.withHeader("Retry-After", "1");
    String what = describe(head);
    refuse(
        answer,
        ServerRefusals.MEMORY_LIMIT,
        false,
        () ->
            "answered 429 to "
                + what
                + ": the memory budget cannot hold its body of "
                + bodyBytes
                + " bytes ("
                + memory.used()
                + " of "
                + memory.limit()
                + " bytes in use, service.memory_limiter)");
  }

  /**
   * Answers the request being read with {@code answer} and closes the connection; counts and logs
   * it, as a refused connection when {@code connection} (header timeouts), else as a refused
   * request.
   */
  private void refuse(
      HttpResponse answer, String reason, boolean connection, Supplier<String> log) {
    reading = Reading.REFUSED;
    cancelTimers();
    releaseReservation();
    if (connection) {
      refusals.refusedConnection(reason, log);
    } else {
      refusals.refusedRequest(reason, log);
    }
    FullHttpResponse response = NettyResponses.toNetty(answer, HttpVersion.HTTP_1_1, false);
    // The aggregator may hold part of this request; it releases it when the channel closes.
    if (unanswered == 0) {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      deferredAnswer = response; // after the answers to the earlier requests, see write()
    }
  }

  private static String describe(HttpRequest head) {
    return head == null
        ? "a request"
        : head.method().name() + " " + new QueryStringDecoder(head.uri()).path();
  }

  private void releaseReservation() {
    if (reserved > 0) memory.release(reserved);
    reserved = 0;
  }

  private void cancelTimers() {
    cancel(headerTimer);
    cancel(readTimer);
    cancel(idleTimer);
    headerTimer = readTimer = idleTimer = null;
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) timer.cancel(false);
  }
}
