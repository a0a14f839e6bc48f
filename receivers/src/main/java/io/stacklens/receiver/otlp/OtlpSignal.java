package io.stacklens.receiver.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.limits.DecodeBudget;
import java.util.BitSet;

/**
 * What differs between the three OTLP export services: how to decode a request, how to drop records
 * the OTLP spec calls invalid, and how to build the (partial-success) response.
 *
 * @param <Q> the decoded request: the mutable batch for logs, the export request message otherwise
 * @param <R> the export response message
 */
abstract class OtlpSignal<Q, R extends Message> {
  /**
   * A decoded request ready for the pipeline.
   *
   * @param batch the valid records
   * @param invalid how many records broke a rule of the OTLP specification and were removed
   * @param rejected how many records were removed in all: {@code invalid} plus those over a
   *     record-level decode limit (counted in the budget)
   * @param problem what was wrong with the first rejected record (empty when none)
   */
  record Validated(Batch batch, long invalid, long rejected, String problem) {}

  /**
   * A request kept in protobuf form (traces, metrics) with the records the decode limits rejected,
   * by ordinal in wire order ({@link io.stacklens.agent.otlp.OtlpProtoScanner}); empty for JSON,
   * whose reader leaves them out itself.
   *
   * @param scanned records the scan counted (-1 when there was no scan)
   */
  record Parsed<M>(M request, BitSet limitRejected, int scanned) {}

  abstract Signal signal();

  /** The OTLP/HTTP path: {@code /v1/logs}, {@code /v1/traces}, {@code /v1/metrics}. */
  abstract String httpPath();

  /**
   * What the records are called in messages and the partial-success count: log records, spans, data
   * points.
   */
  abstract String recordNoun();

  /** Decodes protobuf within {@code budget} (which throws when the request must be refused). */
  abstract Q parseProtobuf(byte[] body, DecodeBudget budget) throws InvalidProtocolBufferException;

  /**
   * Decodes OTLP/JSON within {@code budget}; throws {@link IllegalArgumentException} naming the
   * JSON location.
   */
  abstract Q parseJson(byte[] body, DecodeBudget budget);

  /**
   * Converts to the pipeline's batch, without the records the spec calls invalid and those the
   * decode limits rejected ({@code budget} knows how many and why). Throws {@link
   * IllegalArgumentException} for a request that cannot be taken apart consistently.
   */
  abstract Validated validate(Q request, DecodeBudget budget);

  /** The success response, with {@code partial_success} filled when records were rejected. */
  abstract R response(long rejected, String problem);

  /** The first problem: a decode limit's (reported by the budget) before a spec rule's. */
  static String first(DecodeBudget budget, String firstInvalid) {
    return budget.firstRejection() != null ? budget.firstRejection() : firstInvalid;
  }

  /** Appends " (and N more)" when more than one record was rejected. */
  static String describe(String firstProblem, long rejected, String noun) {
    if (rejected == 0) return "";
    String more = rejected > 1 ? " (and " + (rejected - 1) + " more)" : "";
    return rejected + " " + noun + " rejected; first: " + firstProblem + more;
  }

  /** Whether {@code id} is empty or has exactly {@code length} bytes. */
  static boolean emptyOrLength(com.google.protobuf.ByteString id, int length) {
    return id.isEmpty() || id.size() == length;
  }

  static boolean allZero(com.google.protobuf.ByteString id) {
    for (int i = 0; i < id.size(); i++) {
      if (id.byteAt(i) != 0) return false;
    }
    return true;
  }
}
