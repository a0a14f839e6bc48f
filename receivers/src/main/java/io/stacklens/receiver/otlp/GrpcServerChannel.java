package io.stacklens.receiver.otlp;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.stacklens.agent.telemetry.ServerRefusals;
import io.stacklens.agent.tls.ServerTls;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gRPC server's listening socket, with the two things grpc-java has no option for: {@code
 * max_connections} and a {@link Http2ConnectionWatch} on every connection.
 *
 * <p>How: {@code NettyServerBuilder.channelFactory} lets us choose the server channel class
 * (together with our own boss and worker event loops, which grpc-java then requires). Netty accepts
 * connections in {@link #doReadMessages}; we let it accept, then close at once every connection
 * beyond the limit, before gRPC ever sees it (no HTTP/2 state, no handshake), and put the watch
 * first in the pipeline of the others. A client over the limit sees its connection closed right
 * after it opened.
 *
 * <p>With {@code tls}, an {@code SslHandler} (and {@link GrpcTlsWatch}, which reports failed
 * handshakes) goes in front of the watch, so the watch and gRPC both read the decrypted HTTP/2.
 * gRPC's own TLS negotiator would put its handler behind ours, where the watch would see only
 * ciphertext.
 */
final class GrpcServerChannel extends NioServerSocketChannel {
  private final int maxConnections;
  private final AtomicInteger open;
  private final Http2ConnectionWatch.Settings watch;
  private final ServerTls tls;

  /** {@code tls}: what every connection speaks first; null for plaintext. */
  GrpcServerChannel(
      int maxConnections, AtomicInteger open, Http2ConnectionWatch.Settings watch, ServerTls tls) {
    this.maxConnections = maxConnections;
    this.open = open;
    this.watch = watch;
    this.tls = tls;
  }

  @Override
  protected int doReadMessages(List<Object> buf) throws Exception {
    int before = buf.size();
    int accepted = super.doReadMessages(buf);
    for (int i = buf.size() - 1; i >= before; i--) {
      Channel child = (Channel) buf.get(i);
      if (open.incrementAndGet() > maxConnections) {
        open.decrementAndGet();
        buf.remove(i);
        String from = String.valueOf(child.remoteAddress());
        watch
            .refusals()
            .refusedConnection(
                ServerRefusals.CONNECTION_LIMIT,
                () ->
                    "refused a connection from "
                        + from
                        + ": "
                        + maxConnections
                        + " connections are open, the limit (protocols.grpc.max_connections)");
        child.unsafe().closeForcibly();
      } else {
        child.closeFuture().addListener(f -> open.decrementAndGet());
        child.pipeline().addFirst("stacklens-http2-watch", new Http2ConnectionWatch(watch));
        if (tls != null) {
          // gRPC itself is told plaintext: it sees HTTP/2 as it comes out of this SslHandler, and
          // so does the watch, which reads frames.
          child.pipeline().addFirst("stacklens-tls-watch", new GrpcTlsWatch(watch.refusals()));
          child.pipeline().addFirst("stacklens-tls", new SslHandler(tls.newEngine()));
        }
      }
    }
    return accepted; // keep accepting: a refused connection still counts as read
  }
}
