package io.stacklens.receiver.otlp;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * A deliberately misbehaving HTTP/2 client on a plain socket: writes frames by hand (headers as
 * HPACK literals, no compression state) so tests can send what no real client would: floods of
 * HEADERS+RST_STREAM, more streams than allowed, pings without end. Reads the server's frames back.
 */
final class RawHttp2Client implements AutoCloseable {
  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;
  static final String LOGS_EXPORT = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";

  /** One frame from the server. */
  record Frame(int type, int flags, int streamId, byte[] payload) {
    /** RST_STREAM's error code, or GOAWAY's. */
    long errorCode() {
      int at = type == GOAWAY ? 4 : 0;
      return ((payload[at] & 0xffL) << 24)
          | ((payload[at + 1] & 0xff) << 16)
          | ((payload[at + 2] & 0xff) << 8)
          | (payload[at + 3] & 0xff);
    }

    /** GOAWAY's debug data as text. */
    String debug() {
      return new String(payload, 8, payload.length - 8, StandardCharsets.US_ASCII);
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  RawHttp2Client(int port, Duration readTimeout) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout((int) readTimeout.toMillis());
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
  }

  /** The client preface and an empty SETTINGS frame. */
  RawHttp2Client handshake() throws IOException {
    out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    frame(SETTINGS, 0, 0, new byte[0]);
    out.flush();
    return this;
  }

  /** A HEADERS frame opening an OTLP logs export on {@code streamId}, without ending the stream. */
  synchronized void headers(int streamId) throws IOException {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    literal(block, ":method", "POST");
    literal(block, ":scheme", "http");
    literal(block, ":path", LOGS_EXPORT);
    literal(block, ":authority", "127.0.0.1");
    literal(block, "content-type", "application/grpc");
    literal(block, "te", "trailers");
    frame(HEADERS, 0x4 /* END_HEADERS */, streamId, block.toByteArray());
  }

  synchronized void rstStream(int streamId, int errorCode) throws IOException {
    frame(RST_STREAM, 0, streamId, int32(errorCode));
  }

  synchronized void ping(long data) throws IOException {
    byte[] payload = new byte[8];
    for (int i = 0; i < 8; i++) payload[i] = (byte) (data >>> (56 - 8 * i));
    frame(PING, 0, 0, payload);
  }

  synchronized void flush() throws IOException {
    out.flush();
  }

  /**
   * Reads frames until one matches (answering the server's SETTINGS); null when the connection ends
   * first.
   */
  Frame readUntil(Predicate<Frame> wanted) throws IOException {
    while (true) {
      Frame f;
      try {
        f = read();
      } catch (EOFException | SocketException e) {
        return null;
      }
      if (f.type() == SETTINGS && (f.flags() & 0x1) == 0) {
        synchronized (this) {
          frame(SETTINGS, 0x1, 0, new byte[0]);
          out.flush();
        }
      }
      if (wanted.test(f)) return f;
    }
  }

  /** True when the server closes the connection (EOF or reset) before the read timeout. */
  boolean closedByServer() throws IOException {
    try {
      while (read() != null) {
        // skip
      }
      return true;
    } catch (EOFException | SocketException e) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  private Frame read() throws IOException {
    byte[] head = new byte[9];
    in.readFully(head);
    int length = (head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | (head[2] & 0xff);
    int streamId =
        ((head[5] & 0x7f) << 24)
            | (head[6] & 0xff) << 16
            | (head[7] & 0xff) << 8
            | (head[8] & 0xff);
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(head[3] & 0xff, head[4] & 0xff, streamId, payload);
  }

  private void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
    byte[] head = {
      (byte) (payload.length >>> 16),
      (byte) (payload.length >>> 8),
      (byte) payload.length,
      (byte) type,
      (byte) flags,
      (byte) (streamId >>> 24),
      (byte) (streamId >>> 16),
      (byte) (streamId >>> 8),
      (byte) streamId
    };
    out.write(head);
    out.write(payload);
  }

  /**
   * HPACK "literal header field without indexing, new name"; names and values shorter than 127
   * bytes.
   */
  private static void literal(ByteArrayOutputStream block, String name, String value) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    byte[] v = value.getBytes(StandardCharsets.US_ASCII);
    block.write(0x00);
    block.write(n.length);
    block.write(n, 0, n.length);
    block.write(v.length);
    block.write(v, 0, v.length);
  }

  private static byte[] int32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
