package io.stacklens.agent.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.stacklens.agent.telemetry.ServerRefusals;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 server on Netty (NIO) for the agent's own endpoints: OTLP/HTTP, http_json and
 * the admin server. Requests are aggregated up to {@link HttpServerOptions#maxBodyBytes} (larger
 * ones get 413) and handed to one {@link HttpHandler}; connections are kept alive unless the client
 * or a closing server says otherwise.
 *
 * <p>Anyone who reaches the port must not be able to exhaust it ({@link HttpServerLimits}): at most
 * {@code max_connections} connections (more are closed when accepted), request heads within {@code
 * read_header_timeout} and {@code max_header_size} (408, 431, 414), whole requests within {@code
 * read_timeout} (408), idle keep-alive connections closed after {@code idle_timeout}, and bodies
 * reserved from the agent's memory budget before they are read (429 when they do not fit). See
 * {@link ConnectionGuard}. Each refusal is counted and logged by {@link
 * HttpServerOptions#refusals}.
 *
 * <p>{@link #close(Duration)} stops accepting connections at once, lets requests already being
 * handled finish (up to the grace period), then closes every connection and stops the event loops.
 */
public final class HttpServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HttpServer.class.getName());

  /** Grace period of {@link #close()}. */
  public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(10);

  private final HttpServerOptions options;
  private final EventLoopGroup acceptor;
  private final EventLoopGroup loops;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger open = new AtomicInteger();
  private final Object inFlightLock = new Object();
  private int inFlight;
  private volatile boolean closing;
  private Channel listener;

  private HttpServer(HttpServerOptions options) {
    this.options = options;
    this.acceptor =
        new MultiThreadIoEventLoopGroup(
            1,
            new DefaultThreadFactory(options.name() + "-http-accept", true),
            NioIoHandler.newFactory());
    this.loops =
        new MultiThreadIoEventLoopGroup(
            options.ioThreads(),
            new DefaultThreadFactory(options.name() + "-http", true),
            NioIoHandler.newFactory());
  }

  /**
   * Binds and starts serving. Throws {@link IOException} naming the endpoint when it cannot listen
   * (address in use, unknown host, permission).
   */
  public static HttpServer start(HttpServerOptions options, HttpHandler handler)
      throws IOException {
    HttpServer server = new HttpServer(options);
    server.bind(handler);
    return server;
  }

  private void bind(HttpHandler handler) throws IOException {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(acceptor, loops)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (!admit(ch)) return;
                    connections.add(ch);
                    HttpServerLimits limits = options.limits();
                    ConnectionGuard guard = new ConnectionGuard(HttpServer.this, options, handler);
                    if (options.tls() != null) {
                      ch.pipeline()
                          .addLast("tls", new SslHandler(options.tls().newEngine()))
                          .addLast(new TlsHandshakeWatch(options.refusals()));
                    }
                    ch.pipeline()
                        .addLast(guard.byteWatcher())
                        .addLast(
                            new HttpServerCodec(
                                new HttpDecoderConfig()
                                    .setMaxInitialLineLength(limits.maxRequestLine())
                                    .setMaxHeaderSize(limits.maxHeaderSize())))
                        .addLast(guard)
                        .addLast(new HeapBodyParts())
                        .addLast(new BodyLimitAggregator(options.maxBodyBytes(), handler))
                        .addLast(
                            new RequestDispatcher(
                                HttpServer.this,
                                handler,
                                options.latency(),
                                options.handlerExecutor(),
                                guard,
                                options.memory()));
                  }
                });
    try {
      listener =
          bootstrap.bind(options.endpoint().toSocketAddress()).syncUninterruptibly().channel();
    } catch (Exception e) {
      acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new IOException(
          options.name() + ": cannot listen on " + options.endpoint() + ": " + e.getMessage(), e);
    }
    String plaintext =
        options.tls() != null
            ? null
            : options.endpoint().plaintextWarning(options.name(), options.limits().key("tls"));
    if (plaintext != null) LOG.log(System.Logger.Level.WARNING, plaintext);
  }

  /**
   * Counts a new connection against {@code max_connections}; one over the limit is closed at once
   * (it has sent nothing yet, so there is nothing to answer), counted and logged.
   */
  private boolean admit(SocketChannel ch) {
    int max = options.limits().maxConnections();
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      String from = String.valueOf(ch.remoteAddress());
      options
          .refusals()
          .refusedConnection(
              ServerRefusals.CONNECTION_LIMIT,
              () ->
                  "refused a connection from "
                      + from
                      + ": "
                      + max
                      + " connections are open, the limit ("
                      + options.limits().key("max_connections")
                      + ")");
      ch.close();
      return false;
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    return true;
  }

  public String name() {
    return options.name();
  }

  /** Connections open now (accepted and not closed). */
  public int openConnections() {
    return open.get();
  }

  /** The bound address (with the real port when the endpoint asked for port 0). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) listener.localAddress();
  }

  public int port() {
    return localAddress().getPort();
  }

  /** True once {@link #close} began: responses then carry {@code Connection: close}. */
  public boolean isClosing() {
    return closing;
  }

  void requestStarted() {
    synchronized (inFlightLock) {
      inFlight++;
    }
  }

  void requestFinished() {
    synchronized (inFlightLock) {
      inFlight--;
      if (inFlight == 0) inFlightLock.notifyAll();
    }
  }

  /** Requests received and not yet answered. */
  public int inFlight() {
    synchronized (inFlightLock) {
      return inFlight;
    }
  }

  @Override
  public void close() {
    close(DEFAULT_CLOSE_GRACE);
  }

  /**
   * Stops accepting, waits up to {@code grace} for requests in progress to be answered, then closes
   * all connections and stops the event loops. Idempotent.
   */
  public void close(Duration grace) {
    if (!closed.compareAndSet(false, true)) return;
    closing = true;
    long deadline = System.nanoTime() + Math.max(0, grace.toNanos());
    if (listener != null) listener.close().syncUninterruptibly();
    acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    boolean drained = awaitNoneInFlight(deadline);
    if (!drained) {
      LOG.log(
          System.Logger.Level.WARNING,
          options.name() + ": closing with " + inFlight() + " request(s) still in progress");
    }
    connections
        .close()
        .awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    long left = Math.max(0, deadline - System.nanoTime());
    loops
        .shutdownGracefully(0, TimeUnit.NANOSECONDS.toMillis(left), TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(left + TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.NANOSECONDS);
  }

  private boolean awaitNoneInFlight(long deadlineNanos) {
    synchronized (inFlightLock) {
      while (inFlight > 0) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) return false;
        try {
          TimeUnit.NANOSECONDS.timedWait(inFlightLock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }
}
