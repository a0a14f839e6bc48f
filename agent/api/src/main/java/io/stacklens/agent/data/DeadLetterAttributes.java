package io.stacklens.agent.data;

/**
 * The resource attributes the exporter helper puts on the records it hands to a dead-letter exporter
 * ({@code dead_letter.exporter}): why they failed and where. Read by anything that stores dead letters,
 * e.g. the {@code postgres} exporter's {@code table_kind: dead_letters}.
 */
public final class DeadLetterAttributes {
  private DeadLetterAttributes() {}

  /** The permanent failure's reason, a short label such as {@code record_too_large}. */
  public static final String REASON = "stacklens.error.reason";
  /** The error text (at most 1 KiB). */
  public static final String MESSAGE = "stacklens.error.message";
  /** The id of the exporter that failed the records, e.g. {@code postgres/logs}. */
  public static final String EXPORTER = "stacklens.exporter";
}
