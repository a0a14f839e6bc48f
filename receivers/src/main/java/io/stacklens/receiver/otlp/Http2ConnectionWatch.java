package io.stacklens.receiver.otlp;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.ChannelDuplexHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelPromise;
import io.grpc.netty.shaded.io.netty.util.ReferenceCountUtil;
import io.stacklens.agent.api.Durations;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.telemetry.ServerRefusals;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of every gRPC connection, next to the socket, where it sees the raw HTTP/2
 * bytes in both directions (through {@link Http2FrameScanner}) and adds what grpc-java cannot be
 * asked for:
 *
 * <ul>
 *   <li><b>Handshake timeout</b>: a connection whose client preface and first frame have not
 *       arrived within {@code handshake_timeout} is closed (a slowloris that never speaks HTTP/2).
 *   <li><b>Memory</b>: request DATA is counted against the agent's memory budget from the moment it
 *       arrives (gRPC buffers a whole message before the service sees it) until the server ends the
 *       stream. Data beyond the budget is still counted (the marshaller then refuses the call
 *       RESOURCE_EXHAUSTED); a connection that pushes the agent a quarter past its budget is
 *       closed. Compressed bytes are counted here and again, decompressed, by {@link
 *       io.stacklens.agent.otlp.RawRequestMarshaller} while both exist.
 *   <li><b>Counting what gRPC refuses on its own</b>: GOAWAY ENHANCE_YOUR_CALM for rapid reset and
 *       ping floods, other GOAWAY errors, RST_STREAM REFUSED_STREAM for streams over {@code
 *       max_concurrent_streams}, GOAWAY for idle and aged-out connections, and messages whose
 *       length prefix is over {@code max_recv_msg_size}.
 * </ul>
 *
 * It never changes, delays or injects bytes. Cleartext only: with TLS it would have to sit behind
 * the TLS handler. Runs on the connection's event loop.
 */
final class Http2ConnectionWatch extends ChannelDuplexHandler {
  private static final int REFUSED_STREAM = 0x7;
  private static final int ENHANCE_YOUR_CALM = 0xb;
  private static final String[] ERRORS = {
    "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
        "STREAM_CLOSED",
    "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR",
        "ENHANCE_YOUR_CALM",
    "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"
  };

  /** What all connections of one server share. */
  record Settings(
      MemoryLimiter memory,
      ServerRefusals refusals,
      Duration handshakeTimeout,
      int maxMessageBytes,
      int maxRstFrames,
      Duration rstWindow) {}

  /** A client stream the server has not ended yet, with the request bytes it holds. */
  private static final class Stream {
    long held;
    final byte[] prefix = new byte[5];
    int prefixLength;
  }

  private final Settings settings;
  private final Map<Integer, Stream> streams = new HashMap<>();
  private final Http2FrameScanner inbound = new Http2FrameScanner(new Inbound(), true);
  private final Http2FrameScanner outbound = new Http2FrameScanner(new Outbound(), false);
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> handshakeTimer;
  private int lastStreamId;
  private boolean goAwaySeen;
  private boolean closing;

  Http2ConnectionWatch(Settings settings) {
    this.settings = settings;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    handshakeTimer =
        ctx.executor()
            .schedule(
                this::handshakeTimeout,
                settings.handshakeTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (handshakeTimer != null) handshakeTimer.cancel(false);
    for (Stream s : streams.values()) settings.memory().release(s.held);
    streams.clear();
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf buf && inbound.inSync()) inbound.scan(buf);
    if (closing) {
      ReferenceCountUtil.release(msg); // closed for its memory: gRPC need not buffer any more of it
      return;
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (msg instanceof ByteBuf buf && outbound.inSync()) outbound.scan(buf);
    super.write(ctx, msg, promise);
  }

  private String remote() {
    return String.valueOf(ctx.channel().remoteAddress());
  }

  private void handshakeTimeout() {
    handshakeTimer = null;
    if (inbound.prefaceAndFirstFrameSeen() || !ctx.channel().isActive()) return;
    settings
        .refusals()
        .refusedConnection(
            ServerRefusals.HANDSHAKE_TIMEOUT,
            () ->
                "closed a connection from "
                    + remote()
                    + ": no HTTP/2 preface within "
                    + Durations.format(settings.handshakeTimeout())
                    + " (protocols.grpc.handshake_timeout)");
    ctx.close();
  }

  private void release(int streamId) {
    Stream s = streams.remove(streamId);
    if (s != null) settings.memory().release(s.held);
  }

  /** The budget plus a quarter: where data of calls already admitted stops being tolerated. */
  private static long ceiling(MemoryLimiter m) {
    long limit = m.limit();
    return limit > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : limit + limit / 4;
  }

  private void overBudget() {
    if (closing) return;
    closing = true;
    MemoryLimiter m = settings.memory();
    settings
        .refusals()
        .refusedConnection(
            ServerRefusals.MEMORY_LIMIT,
            () ->
                "closed a connection from "
                    + remote()
                    + ": its request data pushed the agent past its memory budget ("
                    + m.used()
                    + " of "
                    + m.limit()
                    + " bytes in use, service.memory_limiter)");
    ctx.close();
  }

  /** Client to server: new streams, DATA sizes, message length prefixes, resets. */
  private final class Inbound implements Http2FrameScanner.Listener {
    @Override
    public int header(int type, int flags, int streamId, int length) {
      if (handshakeTimer != null) {
        handshakeTimer.cancel(false);
        handshakeTimer = null;
      }
      switch (type) {
        case Http2FrameScanner.HEADERS -> {
          if (streamId > lastStreamId && (streamId & 1) == 1) {
            lastStreamId = streamId;
            streams.put(streamId, new Stream());
          }
        }
        case Http2FrameScanner.DATA -> {
          Stream s = streams.get(streamId);
          if (s == null || closing) return 0;
          if (length > 0) {
            MemoryLimiter m = settings.memory();
            if (!m.tryAcquire(length)) {
              // Still counted: the bytes are here. The call is then refused by the marshaller
              // (RESOURCE_EXHAUSTED, retryable); only a connection pushing the agent well past its
              // budget is cut, since gRPC would buffer whatever it keeps sending.
              m.forceAcquire(length);
              if (m.used() > ceiling(m)) overBudget();
            }
            s.held += length;
          }
          return s.prefixLength < 5 ? 6 : 0;
        }
        case Http2FrameScanner.RST_STREAM -> release(streamId);
        default -> {}
      }
      return 0;
    }

    @Override
    public void frame(int type, int flags, int streamId, int length, byte[] peek, int peekLength) {
      if (type != Http2FrameScanner.DATA) return;
      Stream s = streams.get(streamId);
      if (s == null || s.prefixLength >= 5) return;
      boolean padded = (flags & Http2FrameScanner.FLAG_PADDED) != 0;
      int offset = padded ? 1 : 0;
      if (peekLength <= offset) return;
      int dataLength = length - offset - (padded ? peek[0] & 0xff : 0);
      int take = Math.min(5 - s.prefixLength, Math.min(dataLength, peekLength - offset));
      if (take <= 0) return;
      System.arraycopy(peek, offset, s.prefix, s.prefixLength, take);
      s.prefixLength += take;
      if (s.prefixLength == 5) {
        long declared =
            ((s.prefix[1] & 0xffL) << 24)
                | ((s.prefix[2] & 0xff) << 16)
                | ((s.prefix[3] & 0xff) << 8)
                | (s.prefix[4] & 0xff);
        if (declared > settings.maxMessageBytes()) {
          // gRPC refuses it from this prefix, before reading it: RESOURCE_EXHAUSTED.
          settings
              .refusals()
              .refusedRequest(
                  ServerRefusals.TOO_LARGE,
                  () ->
                      "answered RESOURCE_EXHAUSTED to a message of "
                          + declared
                          + " bytes from "
                          + remote()
                          + ": larger than the limit of "
                          + settings.maxMessageBytes()
                          + " bytes (protocols.grpc.max_recv_msg_size)");
        }
      }
    }
  }

  /** Server to client: how gRPC ended streams and connections. */
  private final class Outbound implements Http2FrameScanner.Listener {
    @Override
    public int header(int type, int flags, int streamId, int length) {
      switch (type) {
        case Http2FrameScanner.GOAWAY -> {
          return Http2FrameScanner.MAX_PEEK;
        }
        case Http2FrameScanner.RST_STREAM -> {
          return 4;
        }
        case Http2FrameScanner.HEADERS, Http2FrameScanner.DATA -> {
          if ((flags & Http2FrameScanner.FLAG_END_STREAM) != 0) release(streamId);
        }
        default -> {}
      }
      return 0;
    }

    @Override
    public void frame(int type, int flags, int streamId, int length, byte[] peek, int peekLength) {
      if (type == Http2FrameScanner.RST_STREAM) {
        release(streamId);
        if (peekLength == 4 && int32(peek, 0) == REFUSED_STREAM) {
          settings
              .refusals()
              .refusedRequest(
                  ServerRefusals.STREAM_LIMIT,
                  () ->
                      "refused a stream from "
                          + remote()
                          + ": more calls in progress on one connection than protocols.grpc.max_concurrent_streams allows");
        }
      } else if (type == Http2FrameScanner.GOAWAY && peekLength >= 8 && !goAwaySeen) {
        goAwaySeen = true;
        goAway(int32(peek, 4), new String(peek, 8, peekLength - 8, StandardCharsets.US_ASCII));
      }
    }
  }

  private void goAway(long code, String debug) {
    ServerRefusals r = settings.refusals();
    String from = remote();
    if (code == 0) {
      if (debug.equals("max_idle")) {
        r.closedConnection(
            ServerRefusals.IDLE_TIMEOUT,
            () ->
                "closed a connection from "
                    + from
                    + " without calls (protocols.grpc.keepalive.server_parameters.max_connection_idle)");
      } else if (debug.equals("max_age")) {
        r.closedConnection(
            ServerRefusals.MAX_CONNECTION_AGE,
            () ->
                "closed a connection from "
                    + from
                    + " (protocols.grpc.keepalive.server_parameters.max_connection_age)");
      }
    } else if (code == ENHANCE_YOUR_CALM && debug.equals("too_many_rststreams")) {
      r.refusedConnection(
          ServerRefusals.RAPID_RESET,
          () ->
              "closed a connection from "
                  + from
                  + " with GOAWAY ENHANCE_YOUR_CALM: more than "
                  + settings.maxRstFrames()
                  + " RST_STREAM frames within "
                  + Durations.format(settings.rstWindow())
                  + " (HTTP/2 rapid reset; protocols.grpc.max_rst_frames_per_window)");
    } else if (code == ENHANCE_YOUR_CALM && debug.equals("too_many_pings")) {
      r.refusedConnection(
          ServerRefusals.PING_FLOOD,
          () ->
              "closed a connection from "
                  + from
                  + " with GOAWAY ENHANCE_YOUR_CALM: pings more often than protocols.grpc.keepalive.enforcement_policy allows");
    } else {
      String name = code < ERRORS.length ? ERRORS[(int) code] : "0x" + Long.toHexString(code);
      r.refusedConnection(
          ServerRefusals.PROTOCOL_ERROR,
          () ->
              "closed a connection from "
                  + from
                  + " with GOAWAY "
                  + name
                  + (debug.isEmpty() ? "" : ": " + debug));
    }
  }

  private static long int32(byte[] b, int at) {
    return ((b[at] & 0xffL) << 24)
        | ((b[at + 1] & 0xff) << 16)
        | ((b[at + 2] & 0xff) << 8)
        | (b[at + 3] & 0xff);
  }
}
