package io.stacklens.exporter.codec.jsonlines;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable, reusable byte buffer that a {@code JsonGenerator} or a {@link Utf8JsonWriter} writes
 * into. Unlike {@link java.io.ByteArrayOutputStream} it is unsynchronized and exposes its array, so
 * a sender thread can encode a whole batch and hand the bytes to the file without copying. Not
 * thread-safe.
 */
public final class ByteBuf extends OutputStream {
  /**
   * Buffers that grew past this are shrunk back after use, so one huge batch does not pin memory.
   */
  private static final int RETAINED_CAPACITY = 2 * 1024 * 1024;

  private byte[] bytes;
  private int size;

  public ByteBuf(int initialCapacity) {
    bytes = new byte[initialCapacity];
  }

  @Override
  public void write(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  @Override
  public void write(byte[] src, int off, int len) {
    ensure(len);
    System.arraycopy(src, off, bytes, size, len);
    size += len;
  }

  /**
   * The backing array: the first {@link #size()} bytes are valid (until the next write or reset).
   */
  public byte[] array() {
    return bytes;
  }

  /** The number of valid bytes. */
  public int size() {
    return size;
  }

  /**
   * Makes room for {@code extra} more bytes and returns the (possibly new) array; the caller writes
   * from {@link #size()} on and then calls {@link #setSize}.
   */
  byte[] reserve(int extra) {
    ensure(extra);
    return bytes;
  }

  /** Sets the number of valid bytes after writing directly into the array from {@link #reserve}. */
  void setSize(int newSize) {
    size = newSize;
  }

  /** Appends a copy of {@code length} bytes that this buffer already holds at {@code offset}. */
  void appendOwn(int offset, int length) {
    ensure(length);
    System.arraycopy(bytes, offset, bytes, size, length);
    size += length;
  }

  /** Empties the buffer, shrinking it when an unusually large batch made it grow. */
  public void reset() {
    size = 0;
    if (bytes.length > RETAINED_CAPACITY) bytes = new byte[RETAINED_CAPACITY];
  }

  private void ensure(int extra) {
    int needed = size + extra;
    if (needed < 0) throw new OutOfMemoryError("batch encodes to more than 2 GiB");
    if (needed > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
  }
}
