package io.stacklens.agent.exporterhelper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * <p>Files are recycled: a delivered segment becomes the queue's spare ({@link #recycleAs}) and the
 * next segment is written over it ({@link #reuse}), as databases recycle their log files. Writing
 * over blocks the file already has changes no file metadata, so forcing it ({@code fdatasync}) does
 * not wait for a file-system journal commit; a growing file makes every force one. So that the old
 * bytes behind the newest entry are never read as entries, every append also writes an end mark (an
 * entry header of zeros) after its entry, and an entry from the file's previous life (a valid
 * header whose sequence number is below this segment's first) also ends it.
 *
 * <p>Not thread-safe: the queue calls it under its lock.
 */
final class QueueSegment {
  static final int MAGIC = 0x534C5131; // "SLQ1"
  static final int FILE_HEADER = 8;
  static final int ENTRY_HEADER = 33;
  static final String SUFFIX = ".seg";

  /** A delivered segment's file kept to be written over by the next segment. */
  static final String SPARE = "spare.seg.tmp";

  final Path path;
  final long firstSeq;
  private final QueueFile file;
  private volatile boolean deleted;

  /** Sequence number after the last entry (== firstSeq while empty). */
  long endSeq;

  /** Length of the valid part of the file. */
  long bytes;

  private QueueSegment(long firstSeq, QueueFile file) {
    this.path = file.path();
    this.firstSeq = firstSeq;
    this.file = file;
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
    QueueSegment s =
        new QueueSegment(
            firstSeq,
            QueueFile.open(dir.resolve(fileName(firstSeq)), StandardOpenOption.CREATE_NEW));
    s.writeFileHeader();
    return s;
  }

  /**
   * Makes {@code spare} (a recycled segment file) the new, empty segment starting at {@code
   * firstSeq}: renamed, with a new file header and an end mark.
   */
  static QueueSegment reuse(Path spare, Path dir, long firstSeq) throws IOException {
    Path target = dir.resolve(fileName(firstSeq));
    Files.move(spare, target, StandardCopyOption.ATOMIC_MOVE);
    QueueSegment s = new QueueSegment(firstSeq, QueueFile.open(target));
    try {
      s.writeFileHeader();
    } catch (IOException e) {
      s.close();
      throw e;
    }
    return s;
  }

  /** Opens an existing segment file; {@link #recover} must run before it is used. */
  static QueueSegment open(Path path, long firstSeq) throws IOException {
    return new QueueSegment(firstSeq, QueueFile.open(path));
  }

  /** Writes the file header and an end mark after it. */
  private void writeFileHeader() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(FILE_HEADER + ENTRY_HEADER).putInt(MAGIC).putInt(0);
    file.writeFully(b.position(0), 0);
    bytes = FILE_HEADER;
    endSeq = firstSeq;
  }

  /** What {@link #recover} found. */
  static final class Recovery {
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
    long size = file.size();
    ByteBuffer fileHeader = ByteBuffer.allocate(FILE_HEADER);
    if (size < FILE_HEADER
        || file.readFully(fileHeader, 0) < FILE_HEADER
        || fileHeader.getInt(0) != MAGIC) {
      // Not even a header (a crash while creating it): rewrite it; the file holds nothing.
      r.cutBytes = size;
      r.cutReason = size < FILE_HEADER ? "a torn file header" : "a wrong file header";
      file.truncate(0);
      writeFileHeader();
      return r;
    }
    long offset = FILE_HEADER;
    long expectedSeq = firstSeq;
    ByteBuffer header = ByteBuffer.allocate(ENTRY_HEADER);
    while (offset < size) {
      String problem = null;
      Entry e = null;
      if (size - offset < ENTRY_HEADER) {
        header.clear().limit((int) (size - offset));
        file.readFully(header, offset);
        if (allZero(header, (int) (size - offset))) break; // the end mark, cut short
        problem = "a torn entry header";
      } else {
        header.clear();
        file.readFully(header, offset);
        if (endsHere(header)) break;
        problem = headerProblem(header, offset, size, expectedSeq);
        if (problem == null) {
          e = readPayload(header, offset);
          if (e == null) problem = "a payload checksum mismatch";
        }
      }
      if (problem != null) {
        r.cutBytes = size - offset;
        r.cutReason = problem + " at offset " + offset;
        file.truncate(offset);
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
    return r;
  }

  /**
   * Whether the data ends at a header: an end mark (zeros), or an entry from the file's previous
   * life as another segment (valid, with a sequence number below this segment's first).
   */
  private boolean endsHere(ByteBuffer header) {
    if (allZero(header, ENTRY_HEADER)) return true;
    return headerCrcMatches(header) && header.getLong(8) < firstSeq;
  }

  private static boolean allZero(ByteBuffer b, int length) {
    for (int i = 0; i < length; i++) if (b.get(i) != 0) return false;
    return true;
  }

  /** One entry read back. */
  record Entry(
      long seq, long appendMillis, byte signal, int records, byte[] payload, long nextOffset) {}

  /**
   * Reads the entry at {@code offset}; null when its checksums do not match (the file changed under
   * the agent after it was recovered).
   *
   * @throws IOException when the file cannot be read (not a sign of corruption)
   */
  Entry read(long offset) throws IOException {
    ByteBuffer header = validHeader(offset);
    return header == null ? null : readPayload(header, offset);
  }

  /** The entry at {@code offset} without its payload, or null when its header is not valid. */
  Entry readHeader(long offset) throws IOException {
    ByteBuffer h = validHeader(offset);
    return h == null ? null : entry(h, offset, null);
  }

  private ByteBuffer validHeader(long offset) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(ENTRY_HEADER);
    if (file.readFully(header, offset) < ENTRY_HEADER) return null;
    return headerProblem(header, offset, bytes, -1) == null ? header : null;
  }

  private static Entry entry(ByteBuffer h, long offset, byte[] payload) {
    return new Entry(
        h.getLong(8),
        h.getLong(16),
        h.get(24),
        h.getInt(25),
        payload,
        offset + ENTRY_HEADER + h.getInt(0));
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

  /**
   * Appends an entry, and an end mark after it, in one write; on failure the file is cut back to
   * where it was.
   */
  void append(ByteBuffer header, byte[] payload, long seq) throws IOException {
    long at = bytes;
    ByteBuffer entry = ByteBuffer.allocate(ENTRY_HEADER + payload.length + ENTRY_HEADER);
    entry.put(header).put(payload).position(0);
    try {
      file.writeFully(entry, at);
    } catch (IOException e) {
      try {
        file.truncate(at);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    bytes = at + ENTRY_HEADER + payload.length;
    endSeq = seq + 1;
  }

  /**
   * Forces the file to disk. False when there was nothing to force because the segment was deleted
   * meanwhile (everything in it was delivered).
   */
  boolean force() throws IOException {
    if (deleted) return false;
    try {
      file.force();
      return true;
    } catch (IOException e) {
      if (deleted) return false;
      throw e;
    }
  }

  /** Closes the file; it stays on disk. */
  void close() {
    file.close();
  }

  /** Closes and deletes the file: every entry in it was delivered. */
  void delete() throws IOException {
    deleted = true;
    file.close();
    Files.deleteIfExists(path);
  }

  /** Closes the file and renames it to {@code spare}: every entry in it was delivered. */
  void recycleAs(Path spare) throws IOException {
    deleted = true;
    file.close();
    Files.move(path, spare, StandardCopyOption.ATOMIC_MOVE);
  }

  private static boolean headerCrcMatches(ByteBuffer header) {
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 0, ENTRY_HEADER - 4);
    return (int) crc.getValue() == header.getInt(ENTRY_HEADER - 4);
  }

  private String headerProblem(ByteBuffer header, long offset, long size, long expectedSeq) {
    if (!headerCrcMatches(header)) return "a header checksum mismatch";
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
    if (file.readFully(ByteBuffer.wrap(payload), offset + ENTRY_HEADER) < length) return null;
    if (crcOf(payload) != header.getInt(4)) return null;
    return entry(header, offset, payload);
  }
}
