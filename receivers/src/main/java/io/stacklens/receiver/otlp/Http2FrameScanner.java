package io.stacklens.receiver.otlp;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Follows the frame boundaries of one direction of a cleartext HTTP/2 connection without changing
 * anything: reads frame headers (and, on request, the first bytes of a payload) out of the buffers
 * as they pass, and reports each frame. Used by {@link Http2ConnectionWatch} to see what gRPC's own
 * HTTP/2 stack does (GOAWAY, RST_STREAM) and what clients send (DATA sizes), which grpc-java does
 * not expose.
 *
 * <p>Not thread-safe: one scanner per direction per connection, used on its event loop.
 */
final class Http2FrameScanner {
  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;
  static final int FLAG_END_STREAM = 0x1;
  static final int FLAG_PADDED = 0x8;

  /** The client connection preface (RFC 9113 section 3.4). */
  static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** Most payload bytes a listener may ask to see: GOAWAY's 8 bytes plus some debug data. */
  static final int MAX_PEEK = 72;

  /** What the scanner reports. */
  interface Listener {
    /**
     * A frame header was read; returns how many payload bytes (at most {@link #MAX_PEEK}) to show
     * in {@link #frame}.
     */
    int header(int type, int flags, int streamId, int length);

    /**
     * The first {@code peekLength} payload bytes of the frame (fewer when the payload is shorter).
     */
    void frame(int type, int flags, int streamId, int length, byte[] peek, int peekLength);
  }

  private final Listener listener;
  private int prefaceLeft;
  private boolean broken;
  private final byte[] head = new byte[9];
  private int headLength;
  private int type;
  private int flags;
  private int streamId;
  private int length;
  private int payloadLeft;
  private final byte[] peek = new byte[MAX_PEEK];
  private int peekWanted;
  private int peekLength;
  private boolean inPayload;
  private long framesSeen;

  /**
   * @param expectPreface whether this direction starts with the client preface (client to server)
   */
  Http2FrameScanner(Listener listener, boolean expectPreface) {
    this.listener = listener;
    this.prefaceLeft = expectPreface ? PREFACE.length : 0;
  }

  /** False once the bytes stopped looking like HTTP/2 (no preface): nothing more is reported. */
  boolean inSync() {
    return !broken;
  }

  /** Whether the preface and at least one frame header have passed. */
  boolean prefaceAndFirstFrameSeen() {
    return !broken && prefaceLeft == 0 && framesSeen > 0;
  }

  /** Reads {@code buf}'s readable bytes without moving its indexes. */
  void scan(ByteBuf buf) {
    int i = buf.readerIndex();
    int end = buf.writerIndex();
    while (i < end && !broken) {
      if (prefaceLeft > 0) {
        if (buf.getByte(i) != PREFACE[PREFACE.length - prefaceLeft]) {
          broken = true;
          return;
        }
        prefaceLeft--;
        i++;
      } else if (!inPayload) {
        head[headLength++] = buf.getByte(i++);
        if (headLength == 9) startFrame();
      } else {
        int take = Math.min(payloadLeft, end - i);
        if (peekLength < peekWanted) {
          int n = Math.min(take, peekWanted - peekLength);
          buf.getBytes(i, peek, peekLength, n);
          peekLength += n;
        }
        i += take;
        payloadLeft -= take;
        if (payloadLeft == 0) endFrame();
      }
    }
  }

  private void startFrame() {
    length = (head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | (head[2] & 0xff);
    type = head[3] & 0xff;
    flags = head[4] & 0xff;
    streamId =
        ((head[5] & 0x7f) << 24)
            | (head[6] & 0xff) << 16
            | (head[7] & 0xff) << 8
            | (head[8] & 0xff);
    framesSeen++;
    peekWanted =
        Math.max(
            0,
            Math.min(Math.min(MAX_PEEK, length), listener.header(type, flags, streamId, length)));
    peekLength = 0;
    payloadLeft = length;
    inPayload = true;
    if (payloadLeft == 0) endFrame();
  }

  private void endFrame() {
    inPayload = false;
    headLength = 0;
    listener.frame(type, flags, streamId, length, peek, peekLength);
  }
}
