package io.stacklens.agent.exporterhelper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueFileTest {
  @TempDir Path dir;

  @Test
  void anInterruptedThreadStillReadsAndWritesAndKeepsItsInterruptStatus() throws Exception {
    QueueFile f = QueueFile.open(dir.resolve("q"), StandardOpenOption.CREATE);
    f.writeFully(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), 0);

    Thread.currentThread().interrupt(); // a FileChannel closes itself on this
    try {
      ByteBuffer b = ByteBuffer.allocate(5);
      assertThat(f.readFully(b, 0)).isEqualTo(5);
      assertThat(new String(b.array(), StandardCharsets.US_ASCII)).isEqualTo("hello");
      f.writeFully(ByteBuffer.wrap("world".getBytes(StandardCharsets.US_ASCII)), 5);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }

    // Other threads (and this one, later) go on using the file.
    ByteBuffer all = ByteBuffer.allocate(10);
    assertThat(f.readFully(all, 0)).isEqualTo(10);
    assertThat(new String(all.array(), StandardCharsets.US_ASCII)).isEqualTo("helloworld");
    f.close();
    assertThat(Files.readString(dir.resolve("q"))).isEqualTo("helloworld");
  }
}
