package io.stacklens.receiver.kafka;

import io.stacklens.agent.data.Signal;
import io.stacklens.agent.json.JsonValueReader;
import io.stacklens.agent.limits.DecodeLimits;
import io.stacklens.receiver.json.JsonRecordMapper;
import io.stacklens.receiver.kafka.KafkaReceiverConfig.Encoding;
import java.util.function.Supplier;

/** Builds batches of one signal from messages of one encoding. */
final class MessageDecoder {
  private final Signal signal;
  private final Supplier<BatchBuilder> builders;

  private MessageDecoder(Signal signal, Supplier<BatchBuilder> builders) {
    this.signal = signal;
    this.builders = builders;
  }

  /**
   * The decoder of {@code signal} messages in {@code encoding}; throws {@link
   * IllegalArgumentException} for a combination that does not exist (json and text carry logs
   * only).
   */
  static MessageDecoder create(Signal signal, KafkaReceiverConfig config, String limitsKey) {
    Encoding encoding = config.encoding;
    if (encoding.logsOnly() && signal != Signal.LOGS) {
      throw new IllegalArgumentException(
          "encoding "
              + encoding.id()
              + " carries logs only, but the receiver is in a "
              + signal.id()
              + " pipeline; use otlp_proto or otlp_json for "
              + signal.id());
    }
    KafkaMetadata metadata = config.includeMetadata ? new KafkaMetadata(config.groupId) : null;
    MessageLimits limits = new MessageLimits(DecodeLimits.of(limitsKey, config.limits));
    Supplier<BatchBuilder> builders =
        switch (signal) {
          case LOGS ->
              switch (encoding) {
                case TEXT -> () -> new TextLogsBuilder(metadata, limits);
                case OTLP_PROTO, OTLP_JSON -> () -> new OtlpLogsBuilder(encoding, metadata, limits);
                case JSON -> {
                  JsonRecordMapper mapper = new JsonRecordMapper(config.mapping);
                  JsonValueReader reader = JsonValueReader.of(limits.limits());
                  yield () -> new JsonLogsBuilder(mapper, metadata, reader, limits);
                }
              };
          case TRACES ->
              () -> new OtlpRequestBuilder<>(OtlpRequestBuilder.TRACES, encoding, limits);
          case METRICS ->
              () -> new OtlpRequestBuilder<>(OtlpRequestBuilder.METRICS, encoding, limits);
        };
    return new MessageDecoder(signal, builders);
  }

  Signal signal() {
    return signal;
  }

  /** A builder for the next batch. */
  BatchBuilder newBatch() {
    return builders.get();
  }
}
