package io.stacklens.agent.exporterhelper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file of the disk queue that a thread's interrupt cannot take away. A {@link FileChannel} is
 * closed for good when a thread blocked in it is interrupted (the shutdown deadline interrupts
 * pipeline workers and senders); the queue's files must stay usable for the other threads, and a
 * read must not fail as if the file were corrupt. So every operation that finds the channel closed
 * reopens it and runs once more, with the caller's interrupt status put back afterwards. Operations
 * are written to be repeatable (positional reads and writes of whole buffers).
 */
final class QueueFile {
  /** One operation on the channel; may run twice. */
  interface Io<T> {
    T run(FileChannel channel) throws IOException;
  }

  private final Path path;
  private FileChannel channel;
  private volatile boolean closed;

  private QueueFile(Path path, FileChannel channel) {
    this.path = path;
    this.channel = channel;
  }

  /** Opens {@code path} for reading and writing, creating it with {@code create}. */
  static QueueFile open(Path path, StandardOpenOption... create) throws IOException {
    StandardOpenOption[] options = new StandardOpenOption[create.length + 2];
    options[0] = StandardOpenOption.READ;
    options[1] = StandardOpenOption.WRITE;
    System.arraycopy(create, 0, options, 2, create.length);
    return new QueueFile(path, FileChannel.open(path, options));
  }

  Path path() {
    return path;
  }

  <T> T io(Io<T> op) throws IOException {
    try {
      return op.run(current());
    } catch (ClosedChannelException e) {
      if (closed) throw e;
      boolean interrupted = Thread.interrupted();
      try {
        return op.run(reopen());
      } finally {
        if (interrupted) Thread.currentThread().interrupt();
      }
    }
  }

  /** Reads into {@code buf} from {@code position} until it is full or the file ends. */
  int readFully(ByteBuffer buf, long position) throws IOException {
    int start = buf.position();
    return io(
        c -> {
          buf.position(start);
          int total = 0;
          while (buf.hasRemaining()) {
            int n = c.read(buf, position + total);
            if (n < 0) break;
            total += n;
          }
          return total;
        });
  }

  /** Writes all of {@code buf} at {@code position}. */
  void writeFully(ByteBuffer buf, long position) throws IOException {
    int start = buf.position();
    io(
        c -> {
          buf.position(start);
          long p = position;
          while (buf.hasRemaining()) p += c.write(buf, p);
          return null;
        });
  }

  long size() throws IOException {
    return io(FileChannel::size);
  }

  void truncate(long size) throws IOException {
    io(c -> c.truncate(size));
  }

  void force() throws IOException {
    io(
        c -> {
          c.force(false);
          return null;
        });
  }

  /** Closes the file for good; later operations fail with {@link ClosedChannelException}. */
  void close() {
    closed = true;
    try {
      current().close();
    } catch (IOException ignored) {
      // nothing is buffered in a FileChannel: closing loses nothing
    }
  }

  boolean isClosed() {
    return closed;
  }

  private synchronized FileChannel current() {
    return channel;
  }

  private synchronized FileChannel reopen() throws IOException {
    if (closed) throw new ClosedChannelException();
    if (!channel.isOpen())
      channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return channel;
  }
}
