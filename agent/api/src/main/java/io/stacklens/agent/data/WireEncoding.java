package io.stacklens.agent.data;

/**
 * The OTLP/protobuf export request a batch was decoded from, kept while it still says the same: a
 * disk queue writes those bytes instead of encoding the batch again (encode once). A receiver
 * {@link #remember remembers} them only for a request decoded whole (nothing rejected); a pipeline
 * {@link #forget forgets} them before the ring unless the batch goes unchanged (no processors) into
 * a disk queue, so in any other case they are not held at all.
 */
public final class WireEncoding {
  private WireEncoding() {}

  /** Remembers {@code request}, the protobuf export request {@code batch} was decoded from. */
  public static void remember(Batch batch, byte[] request) {
    ((BatchMemory) batch).wireEncoding(request);
  }

  /** The export request {@code batch} was decoded from, or null when it may have changed. */
  public static byte[] of(Batch batch) {
    return ((BatchMemory) batch).wireEncoding();
  }

  /** Drops the bytes: the batch will change, or nothing will use them. */
  public static void forget(Batch batch) {
    ((BatchMemory) batch).wireEncoding(null);
  }
}
