package io.stacklens.exporter.kafka;

/**
 * What becomes the Kafka record key, so records with the same value land on the same partition:
 * {@code none} (no key: the producer spreads records), {@code attribute:<k>}, {@code resource:<k>},
 * {@code trace_id} (hex; log records and spans).
 */
record PartitionBy(Kind kind, FieldRef field) {
  enum Kind {
    NONE,
    FIELD,
    TRACE_ID
  }

  static final PartitionBy NONE = new PartitionBy(Kind.NONE, null);

  /** Parses the option, or returns null when it is none of the forms. */
  static PartitionBy parse(String text) {
    if (text == null) return null;
    String t = text.strip();
    if (t.equals("none")) return NONE;
    if (t.equals("trace_id")) return new PartitionBy(Kind.TRACE_ID, null);
    if (t.startsWith("attribute:") && t.length() > "attribute:".length()) {
      return new PartitionBy(Kind.FIELD, new FieldRef(false, t.substring("attribute:".length())));
    }
    if (t.startsWith("resource:") && t.length() > "resource:".length()) {
      return new PartitionBy(Kind.FIELD, new FieldRef(true, t.substring("resource:".length())));
    }
    return null;
  }
}
