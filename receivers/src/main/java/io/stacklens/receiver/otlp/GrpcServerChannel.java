package io.stacklens.receiver.otlp;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.stacklens.agent.telemetry.ServerRefusals;
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
 */
final class GrpcServerChannel extends NioServerSocketChannel {
  private final int maxConnections;
  private final AtomicInteger open;
  private final Http2ConnectionWatch.Settings watch;

  GrpcServerChannel(int maxConnections, AtomicInteger open, Http2ConnectionWatch.Settings watch) {
    this.maxConnections = maxConnections;
    this.open = open;
    this.watch = watch;
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
      }
    }
    return accepted; // keep accepting: a refused connection still counts as read
  }
}
