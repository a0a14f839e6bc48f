package io.stacklens.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Free TCP ports on 127.0.0.1 for servers the tests start (PostgreSQL, Kafka, example endpoints).
 */
public final class Ports {
  private Ports() {}

  /**
   * A port on 127.0.0.1 that was free a moment ago (another process may take it before it is
   * bound).
   */
  public static int free() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }
}
