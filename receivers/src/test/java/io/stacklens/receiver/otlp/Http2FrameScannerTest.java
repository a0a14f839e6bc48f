package io.stacklens.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Http2FrameScannerTest {
  private final List<String> seen = new ArrayList<>();

  private Http2FrameScanner scanner(boolean preface, int peek) {
    return new Http2FrameScanner(
        new Http2FrameScanner.Listener() {
          @Override
          public int header(int type, int flags, int streamId, int length) {
            return peek;
          }

          @Override
          public void frame(
              int type, int flags, int streamId, int length, byte[] bytes, int peekLength) {
            seen.add(
                type
                    + "/"
                    + flags
                    + "/"
                    + streamId
                    + "/"
                    + length
                    + ":"
                    + new String(bytes, 0, peekLength, StandardCharsets.ISO_8859_1));
          }
        },
        preface);
  }

  private static byte[] frame(int type, int flags, int streamId, String payload) {
    byte[] p = payload.getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(p.length >>> 16);
    out.write(p.length >>> 8);
    out.write(p.length);
    out.write(type);
    out.write(flags);
    out.write(streamId >>> 24);
    out.write(streamId >>> 16);
    out.write(streamId >>> 8);
    out.write(streamId);
    out.writeBytes(p);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  @Test
  void readsFramesWhateverHowTheBytesAreSplit() {
    byte[] wire =
        concat(
            Http2FrameScanner.PREFACE,
            frame(4, 0, 0, ""),
            frame(0, 1, 3, "hello world"),
            frame(7, 0, 0, "goaway-data"));
    for (int split = 1; split <= wire.length; split++) {
      seen.clear();
      Http2FrameScanner s = scanner(true, 5);
      for (int i = 0; i < wire.length; i += split) {
        ByteBuf buf = Unpooled.wrappedBuffer(wire, i, Math.min(split, wire.length - i));
        s.scan(buf);
        assertThat(buf.readerIndex()).isZero(); // read-only
      }
      assertThat(seen)
          .as("split %d", split)
          .containsExactly("4/0/0/0:", "0/1/3/11:hello", "7/0/0/11:goawa");
      assertThat(s.prefaceAndFirstFrameSeen()).isTrue();
    }
  }

  @Test
  void stopsAtBytesThatAreNotTheHttp2Preface() {
    Http2FrameScanner s = scanner(true, 0);
    s.scan(Unpooled.wrappedBuffer("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertThat(s.inSync()).isFalse();
    assertThat(s.prefaceAndFirstFrameSeen()).isFalse();
    assertThat(seen).isEmpty();
  }

  @Test
  void thePrefaceAloneIsNotAHandshake() {
    Http2FrameScanner s = scanner(true, 0);
    s.scan(Unpooled.wrappedBuffer(Http2FrameScanner.PREFACE));
    assertThat(s.prefaceAndFirstFrameSeen()).isFalse();
    s.scan(Unpooled.wrappedBuffer(frame(4, 0, 0, "")));
    assertThat(s.prefaceAndFirstFrameSeen()).isTrue();
  }
}
