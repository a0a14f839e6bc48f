package io.stacklens.exporter.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The file being written: an append-only channel behind a write buffer, rotated by size and age.
 * All methods are synchronized: sender threads encode outside the lock and append whole lines here,
 * so lines of concurrent pushes never interleave.
 *
 * <p>After a failed write the file is truncated back to its last whole line (best effort) and the
 * bytes still buffered are kept for the next flush, so a retried push neither loses nor splits
 * lines.
 */
final class RotatingFile {
  static final int BUFFER_SIZE = 256 * 1024;

  /** Told about rotations; must not block. */
  interface RotationListener {
    /** The current file was renamed to {@code backup} and a new one opened. */
    void rotated(Path backup);

    /**
     * Renaming failed; writing goes on into the current file and rotation is retried after a pause.
     */
    void rotationFailed(Path path, IOException error);
  }

  /** Pause after a failed rotation, so a file that cannot be renamed does not fail every push. */
  static final Duration ROTATION_RETRY_PAUSE = Duration.ofMinutes(1);

  private final Path path;
  private final long maxBytes;
  private final Duration maxAge;
  private final boolean fsync;
  private final BackupFiles backups;
  private final RotationListener listener;
  private final Clock clock;
  private final byte[] buffer = new byte[BUFFER_SIZE];

  private FileChannel channel;
  private int buffered;

  /** Bytes in the file plus bytes buffered: what the file will hold after the next flush. */
  private long size;

  private Instant openedAt;
  private Instant rotationPausedUntil = Instant.MIN;

  RotatingFile(
      Path path,
      long maxBytes,
      Duration maxAge,
      boolean fsync,
      BackupFiles backups,
      RotationListener listener,
      Clock clock) {
    this.path = path;
    this.maxBytes = maxBytes;
    this.maxAge = maxAge;
    this.fsync = fsync;
    this.backups = backups;
    this.listener = listener;
    this.clock = clock;
  }

  /** Creates parent directories and opens (appends to) the file. */
  synchronized void open() throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    openChannel();
  }

  /**
   * Appends whole lines, rotating first when they would push the file past the size limit or it is
   * too old.
   */
  synchronized void write(byte[] bytes, int length) throws IOException {
    ensureOpen();
    if (length == 0) return;
    if (size > 0 && (exceedsSize(length) || isTooOld())) tryRotate();
    if (length > buffer.length - buffered) flushBuffer();
    if (length >= buffer.length) {
      writeToChannel(bytes, length);
    } else {
      System.arraycopy(bytes, 0, buffer, buffered, length);
      buffered += length;
    }
    size += length;
  }

  /** Writes buffered bytes to the file; forces them to disk when {@code fsync} is on. */
  synchronized void flush() throws IOException {
    if (channel == null) return;
    flushBuffer();
    if (fsync) channel.force(false);
  }

  /**
   * Rotates a non-empty file older than {@code max_age}; called by the flush timer so idle files
   * rotate too.
   */
  synchronized void rotateIfTooOld() throws IOException {
    if (channel != null && size > 0 && isTooOld()) tryRotate();
  }

  synchronized void close() throws IOException {
    if (channel == null) return;
    try {
      flush();
    } finally {
      channel.close();
      channel = null;
    }
  }

  synchronized long size() {
    return size;
  }

  private boolean exceedsSize(int length) {
    return maxBytes > 0 && size + length > maxBytes;
  }

  private boolean isTooOld() {
    return !maxAge.isZero() && !clock.instant().isBefore(openedAt.plus(maxAge));
  }

  private void tryRotate() throws IOException {
    Instant now = clock.instant();
    if (now.isBefore(rotationPausedUntil)) return;
    flush();
    channel.close();
    channel = null;
    Path backup;
    try {
      backup = backups.nextBackupName(now);
      Files.move(path, backup);
    } catch (IOException e) {
      rotationPausedUntil = now.plus(ROTATION_RETRY_PAUSE);
      openChannel();
      listener.rotationFailed(path, e);
      return;
    }
    openChannel();
    listener.rotated(backup);
  }

  private void openChannel() throws IOException {
    channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    size = channel.size() + buffered;
    openedAt = clock.instant();
  }

  private void ensureOpen() throws IOException {
    if (channel == null) throw new IOException("file " + path + " is not open");
  }

  private void flushBuffer() throws IOException {
    if (buffered == 0) return;
    writeToChannel(buffer, buffered);
    buffered = 0;
  }

  private void writeToChannel(byte[] bytes, int length) throws IOException {
    long before = channel.size();
    ByteBuffer src = ByteBuffer.wrap(bytes, 0, length);
    try {
      while (src.hasRemaining()) channel.write(src);
    } catch (IOException e) {
      truncateQuietly(before, e);
      throw e;
    }
  }

  private void truncateQuietly(long length, IOException cause) {
    try {
      channel.truncate(length);
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }
}
