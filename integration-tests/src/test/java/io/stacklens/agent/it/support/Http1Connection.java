package io.stacklens.agent.it.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal HTTP/1.1 client over one keep-alive socket, for tests that must tell "the server
 * answered" from "the connection ended without an answer" exactly (a pooling client hides that).
 *
 * <p>One exchange at a time. Every exchange has a deadline: a watchdog closes the socket when it
 * passes, so a server that stops reading cannot block a write forever. When a <em>reused</em>
 * connection ends before any byte of the answer, the request is sent once more on a new connection
 * (the server may have closed the idle connection as the request went out, the race every HTTP
 * client retries); a request that ends a fresh connection without an answer is reported as such.
 */
public final class Http1Connection implements Closeable {
  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "http1-watchdog");
            t.setDaemon(true);
            return t;
          });

  /** A complete answer: status, headers (names lower case, last value wins), body. */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** The connection ended (or the deadline passed) before a complete answer arrived. */
  public static final class NoAnswerException extends IOException {
    private static final long serialVersionUID = 1L;

    NoAnswerException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final String host;
  private final int port;
  private final Duration timeout;
  private final AtomicInteger connects = new AtomicInteger();
  private final AtomicInteger resends = new AtomicInteger();
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  public Http1Connection(String host, int port, Duration timeout) {
    this.host = host;
    this.port = port;
    this.timeout = timeout;
  }

  /** Sends one request and reads its answer; throws {@link NoAnswerException} when none came. */
  public synchronized Response exchange(
      String method, String path, Map<String, String> headers, byte[] body)
      throws NoAnswerException {
    boolean reused = socket != null;
    try {
      return exchangeOnce(method, path, headers, body);
    } catch (StaleConnection e) {
      if (!reused) throw new NoAnswerException(e.getMessage(), e.getCause());
      return retryOnFreshConnection(method, path, headers, body);
    }
  }

  private Response retryOnFreshConnection(
      String method, String path, Map<String, String> headers, byte[] body)
      throws NoAnswerException {
    resends.incrementAndGet();
    try {
      return exchangeOnce(method, path, headers, body);
    } catch (StaleConnection e) {
      throw new NoAnswerException(e.getMessage(), e.getCause());
    }
  }

  /** Nothing of an answer was read: the socket is closed, the caller may try once more. */
  private static final class StaleConnection extends Exception {
    private static final long serialVersionUID = 1L;

    StaleConnection(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private Response exchangeOnce(
      String method, String path, Map<String, String> headers, byte[] body)
      throws StaleConnection, NoAnswerException {
    long start = System.nanoTime();
    ScheduledFuture<?> watchdog = null;
    boolean anyAnswerByte = false;
    try {
      if (socket == null) connect();
      Socket current = socket;
      watchdog =
          WATCHDOG.schedule(() -> closeQuietly(current), timeout.toMillis(), TimeUnit.MILLISECONDS);
      IOException writeFailure = null;
      try {
        out.write(head(method, path, headers, body.length));
        out.write(body);
        out.flush();
      } catch (IOException e) {
        writeFailure = e; // the server may have answered early and closed; read what it said
      }
      int first;
      try {
        first = in.read();
      } catch (IOException e) {
        if (writeFailure != null) e.addSuppressed(writeFailure);
        if (System.nanoTime() - start >= timeout.toNanos())
          throw e; // a timeout, not a stale connection
        throw new StaleConnection("connection ended before an answer: " + e, e);
      }
      if (first < 0) {
        throw new StaleConnection(
            "connection closed by the server before an answer"
                + (writeFailure != null
                    ? " (writing the request failed: " + writeFailure + ")"
                    : ""),
            writeFailure);
      }
      anyAnswerByte = true;
      Response response = readResponse(first, method);
      String connection = response.header("connection");
      if ((connection != null && connection.toLowerCase(Locale.ROOT).contains("close"))
          || writeFailure != null) {
        close();
      }
      return response;
    } catch (StaleConnection e) {
      close();
      throw e;
    } catch (IOException e) {
      close();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      String what = anyAnswerByte ? "the answer was cut off" : "could not send the request";
      if (millis >= timeout.toMillis()) what += " (no complete answer within " + timeout + ")";
      throw new NoAnswerException(what + ": " + e, e);
    } finally {
      if (watchdog != null) watchdog.cancel(false);
    }
  }

  /** How many TCP connections this client opened so far (1 while one keep-alive socket served). */
  public int connects() {
    return connects.get();
  }

  /**
   * How many requests were sent a second time on a new connection because a reused one ended before
   * any byte of the answer (the server may have received the first copy).
   */
  public int resends() {
    return resends.get();
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress(host, port), (int) Math.min(timeout.toMillis(), 10_000));
    s.setSoTimeout((int) timeout.toMillis());
    socket = s;
    connects.incrementAndGet();
    in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
    out = s.getOutputStream();
  }

  private byte[] head(String method, String path, Map<String, String> headers, int length) {
    StringBuilder sb = new StringBuilder(256);
    sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    sb.append("Host: ").append(host).append(':').append(port).append("\r\n");
    sb.append("Content-Length: ").append(length).append("\r\n");
    for (Map.Entry<String, String> h : headers.entrySet()) {
      sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
    }
    sb.append("\r\n");
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private Response readResponse(int first, String method) throws IOException {
    String statusLine = (char) first + readLine();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1."))
      throw new IOException("not an HTTP status line: " + statusLine);
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      if (colon > 0)
        headers.put(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
    }
    byte[] body;
    String length = headers.get("content-length");
    String transfer = headers.get("transfer-encoding");
    if (method.equals("HEAD") || status == 204 || status == 304 || status / 100 == 1) {
      body = new byte[0];
    } else if (transfer != null && transfer.toLowerCase(Locale.ROOT).contains("chunked")) {
      body = readChunked();
    } else if (length != null) {
      body = in.readNBytes(Integer.parseInt(length));
      if (body.length != Integer.parseInt(length))
        throw new EOFException("body ended after " + body.length + " of " + length + " bytes");
    } else {
      body = in.readAllBytes();
      headers.put("connection", "close");
    }
    return new Response(status, headers, body);
  }

  private byte[] readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = readLine();
      int semicolon = size.indexOf(';');
      int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
      if (n == 0) {
        while (!readLine().isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      byte[] chunk = in.readNBytes(n);
      if (chunk.length != n) throw new EOFException("chunk ended early");
      body.write(chunk);
      readLine();
    }
  }

  private String readLine() throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b < 0) throw new EOFException("connection closed inside the answer's head");
      if (b == '\n') break;
      if (b != '\r') sb.append((char) b);
      if (sb.length() > 64 * 1024) throw new IOException("answer head line longer than 64KiB");
    }
    return sb.toString();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public synchronized void close() {
    if (socket != null) closeQuietly(socket);
    socket = null;
    in = null;
    out = null;
  }
}
