package io.stacklens.agent.exporterhelper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The disk queue's committed position, in a small file of its own: every entry with a lower
 * sequence number was delivered. Written into two slots in turn, each with a generation and a
 * checksum, so a write torn by a crash leaves the other slot intact; reading takes the valid slot
 * of the higher generation. A mark that lags only means entries are delivered again after a restart
 * (at least once), never that one is skipped, so it is not forced to disk on every change.
 */
final class QueueCommitMark implements AutoCloseable {
  static final String FILE = "committed";
  private static final int SLOT = 20;

  private final QueueFile file;
  private long generation;
  private long committed;

  private QueueCommitMark(QueueFile file) {
    this.file = file;
  }

  /** Opens (or creates) the mark in {@code dir} and reads it; 0 when there is none yet. */
  static QueueCommitMark open(Path dir) throws IOException {
    QueueCommitMark m =
        new QueueCommitMark(QueueFile.open(dir.resolve(FILE), StandardOpenOption.CREATE));
    for (int slot = 0; slot < 2; slot++) {
      ByteBuffer b = ByteBuffer.allocate(SLOT);
      if (m.file.readFully(b, (long) slot * SLOT) < SLOT || crc(b.array()) != b.getInt(16))
        continue;
      long gen = b.getLong(8);
      if (gen > m.generation) {
        m.generation = gen;
        m.committed = b.getLong(0);
      }
    }
    return m;
  }

  /** Sequence number below which every entry was delivered. */
  long committed() {
    return committed;
  }

  /** Records a new committed position. */
  void write(long seq) throws IOException {
    long next = generation + 1;
    ByteBuffer b = ByteBuffer.allocate(SLOT).putLong(seq).putLong(next);
    b.putInt(crc(b.array()));
    file.writeFully(b.flip(), (next % 2) * SLOT);
    generation =
        next; // a failed write leaves the other slot, the last good one, to be written next
    committed = seq;
  }

  void force() throws IOException {
    file.force();
  }

  @Override
  public void close() {
    file.close();
  }

  private static int crc(byte[] slot) {
    CRC32C c = new CRC32C();
    c.update(slot, 0, 16);
    return (int) c.getValue();
  }
}
