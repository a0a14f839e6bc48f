package io.stacklens.agent.exporterhelper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * One file of a disk queue's log: a file header, then entries appended one after the other. Named
 * by the sequence number of its first entry, so the files sort in log order.
 *
 * <pre>
 * file header   int magic "SLQ1", int 0 (reserved)
 * entry header  int payload length, int CRC32C of the payload, long sequence, long append time
 *               (epoch ms), byte signal, int record count, int CRC32C of the 29 header bytes before it
 * payload       the batch as an OTLP/protobuf export request ({@link QueueEntryCodec})
 * </pre>
 *
 * Two checksums: the payload's is computed by the producer outside the queue's lock, the header's
 * (small) under it, since the sequence number is assigned there. An entry is valid only when both
 * match; a crash in the middle of an append leaves a torn entry at the end, which recovery cuts
 * off.
 *
 * <p>Not thread-safe: the queue calls it under its lock.
 */
final class QueueSegment {
  static final int MAGIC = 0x534C5131; // "SLQ1"
  static final int FILE_HEADER = 8;
  static final int ENTRY_HEADER = 33;
  static final String SUFFIX = ".seg";

  final Path path;
  final long firstSeq;
  final FileChannel channel;

  /** Sequence number after the last entry (== firstSeq while empty). */
  long endSeq;

  /** Length of the valid part of the file. */
  long bytes;

  private QueueSegment(Path path, long firstSeq, FileChannel channel) {
    this.path = path;
    this.firstSeq = firstSeq;
    this.channel = channel;
    this.endSeq = firstSeq;
  }

  static String fileName(long firstSeq) {
    return String.format(Locale.ROOT, "%020d%s", firstSeq, SUFFIX);
  }

  /** The first sequence number named by {@code fileName}, or -1 when it is not a segment's name. */
  static long parseFirstSeq(String fileName) {
    if (!fileName.endsWith(SUFFIX) || fileName.length() != 20 + SUFFIX.length()) return -1;
    try {
      return Long.parseLong(fileName.substring(0, 20));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Creates a new, empty segment file. */
  static QueueSegment create(Path dir, long firstSeq) throws IOException {
    Path path = dir.resolve(fileName(firstSeq));
    FileChannel ch =
        FileChannel.open(
            path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    QueueSegment s = new QueueSegment(path, firstSeq, ch);
    ByteBuffer header = ByteBuffer.allocate(FILE_HEADER).putInt(MAGIC).putInt(0).flip();
    s.writeFully(header, 0);
    s.bytes = FILE_HEADER;
    return s;
  }

  /** Opens an existing segment file; {@link #recover} must run before it is used. */
  static QueueSegment open(Path path, long firstSeq) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new QueueSegment(path, firstSeq, ch);
  }

  /** What {@link #recover} found. */
  static final class Recovery {
    long validBytes;
    long cutBytes;
    String cutReason;
    int entries;

    /** Offset of the first entry at or after the sequence asked for, or -1. */
    long offsetOfFirstAtOrAfter = -1;

    long seqOfFirstAtOrAfter = -1;
    long entriesFrom;
    long recordsFrom;
  }

  /**
   * Reads every entry, checking both checksums and that the sequence numbers follow on; cuts the
   * file after the last valid entry (a torn or corrupt tail). Counts entries with a sequence at or
   * after {@code from}.
   */
  Recovery recover(long from) throws IOException {
    Recovery r = new Recovery();
    long size = channel.size();
    ByteBuffer fileHeader = ByteBuffer.allocate(FILE_HEADER);
    if (size < FILE_HEADER
        || readFully(fileHeader, 0) < FILE_HEADER
        || fileHeader.getInt(0) != MAGIC) {
      // Not even a header (a crash while creating it): rewrite it; the file holds nothing.
      r.cutBytes = size;
      r.cutReason = size < FILE_HEADER ? "a torn file header" : "a wrong file header";
      channel.truncate(0);
      writeFully(ByteBuffer.allocate(FILE_HEADER).putInt(MAGIC).putInt(0).flip(), 0);
      bytes = FILE_HEADER;
      endSeq = firstSeq;
      r.validBytes = FILE_HEADER;
      return r;
    }
    long offset = FILE_HEADER;
    long expectedSeq = firstSeq;
    ByteBuffer header = ByteBuffer.allocate(ENTRY_HEADER);
    while (offset < size) {
      String problem = null;
      Entry e = null;
      if (size - offset < ENTRY_HEADER) {
        problem = "a torn entry header";
      } else {
        header.clear();
        readFully(header, offset);
        problem = headerProblem(header, offset, size, expectedSeq);
        if (problem == null) {
          e = readPayload(header, offset);
          if (e == null) problem = "a payload checksum mismatch";
        }
      }
      if (problem != null) {
        r.cutBytes = size - offset;
        r.cutReason = problem + " at offset " + offset;
        channel.truncate(offset);
        break;
      }
      r.entries++;
      if (e.seq >= from) {
        if (r.offsetOfFirstAtOrAfter < 0) {
          r.offsetOfFirstAtOrAfter = offset;
          r.seqOfFirstAtOrAfter = e.seq;
        }
        r.entriesFrom++;
        r.recordsFrom += e.records;
      }
      expectedSeq = e.seq + 1;
      offset = e.nextOffset;
    }
    bytes = offset;
    endSeq = expectedSeq;
    r.validBytes = offset;
    return r;
  }

  /** One entry read back. */
  record Entry(
      long seq, long appendMillis, byte signal, int records, byte[] payload, long nextOffset) {}

  /**
   * Reads the entry at {@code offset}; null when its checksums do not match (the file changed under
   * the agent after it was recovered).
   */
  Entry read(long offset) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(ENTRY_HEADER);
    if (readFully(header, offset) < ENTRY_HEADER) return null;
    if (headerProblem(header, offset, bytes, -1) != null) return null;
    return readPayload(header, offset);
  }

  /** The append time of the entry at {@code offset}, or -1 when unreadable. */
  long appendMillis(long offset) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(ENTRY_HEADER);
    if (readFully(header, offset) < ENTRY_HEADER) return -1;
    return header.getLong(16);
  }

  /** The signal and record count of the entry at {@code offset}, and where the next one starts. */
  Entry readHeader(long offset) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(ENTRY_HEADER);
    if (readFully(header, offset) < ENTRY_HEADER) return null;
    if (headerProblem(header, offset, bytes, -1) != null) return null;
    return new Entry(
        header.getLong(8),
        header.getLong(16),
        header.get(24),
        header.getInt(25),
        null,
        offset + ENTRY_HEADER + header.getInt(0));
  }

  /** Builds an entry's header; the payload checksum is computed by the caller. */
  static ByteBuffer header(
      int payloadLength, int payloadCrc, long seq, long millis, byte signal, int records) {
    ByteBuffer h = ByteBuffer.allocate(ENTRY_HEADER);
    h.putInt(payloadLength).putInt(payloadCrc).putLong(seq).putLong(millis).put(signal);
    h.putInt(records);
    CRC32C crc = new CRC32C();
    crc.update(h.array(), 0, ENTRY_HEADER - 4);
    h.putInt((int) crc.getValue());
    return h.flip();
  }

  static int crcOf(byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(payload, 0, payload.length);
    return (int) crc.getValue();
  }

  /** Appends an entry at the end; on failure the file is cut back to where it was. */
  void append(ByteBuffer header, byte[] payload, long seq) throws IOException {
    long at = bytes;
    try {
      writeFully(header, at);
      writeFully(ByteBuffer.wrap(payload), at + ENTRY_HEADER);
    } catch (IOException e) {
      try {
        channel.truncate(at);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    bytes = at + ENTRY_HEADER + payload.length;
    endSeq = seq + 1;
  }

  void force() throws IOException {
    channel.force(false);
  }

  void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing a file we only read or already forced: nothing is lost
    }
  }

  private String headerProblem(ByteBuffer header, long offset, long size, long expectedSeq) {
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 0, ENTRY_HEADER - 4);
    if ((int) crc.getValue() != header.getInt(ENTRY_HEADER - 4))
      return "a header checksum mismatch";
    int length = header.getInt(0);
    if (length < 0 || offset + ENTRY_HEADER + length > size) return "a torn entry";
    if (expectedSeq >= 0 && header.getLong(8) != expectedSeq) {
      return "sequence " + header.getLong(8) + " where " + expectedSeq + " was expected";
    }
    return null;
  }

  private Entry readPayload(ByteBuffer header, long offset) throws IOException {
    int length = header.getInt(0);
    byte[] payload = new byte[length];
    if (readFully(ByteBuffer.wrap(payload), offset + ENTRY_HEADER) < length) return null;
    if (crcOf(payload) != header.getInt(4)) return null;
    return new Entry(
        header.getLong(8),
        header.getLong(16),
        header.get(24),
        header.getInt(25),
        payload,
        offset + ENTRY_HEADER + length);
  }

  private int readFully(ByteBuffer buf, long position) throws IOException {
    int total = 0;
    while (buf.hasRemaining()) {
      int n = channel.read(buf, position + total);
      if (n < 0) break;
      total += n;
    }
    return total;
  }

  private void writeFully(ByteBuffer buf, long position) throws IOException {
    long p = position;
    while (buf.hasRemaining()) p += channel.write(buf, p);
  }
}
