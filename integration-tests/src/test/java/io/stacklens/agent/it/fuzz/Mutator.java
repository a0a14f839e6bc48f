package io.stacklens.agent.it.fuzz;

import io.stacklens.agent.data.Signal;
import io.stacklens.agent.it.fuzz.Seeds.Kind;
import io.stacklens.agent.it.fuzz.Seeds.Seed;
import io.stacklens.agent.it.support.Request;
import io.stacklens.agent.it.support.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded payload mutator: request number {@code index} of a run with seed {@code runSeed} is always
 * the same bytes, sent the same way, so any one of them can be made again alone.
 *
 * <p>A case picks a seed (protobuf 50%, OTLP/JSON 25%, http_json 25%), applies one to four
 * mutations (format-aware or byte-level; about 1% of cases also get one "heavy" mutation that makes
 * the request large once decoded: many records or attributes, deep nesting, huge strings), then
 * picks where it goes (mostly the receiver and content type that fit the seed, sometimes another),
 * sometimes a Content-Encoding variant (valid, broken, bombs) and, rarely, an odd method, path,
 * content type or header.
 */
public final class Mutator {
  private static final int HEAVY_PERCENT = 1;
  private static final int ENCODING_PERCENT = 8;
  private static final int ENVELOPE_PERCENT = 2;

  /**
   * Past the receivers' default body limit (8 MiB), so that answer is exercised too, but not much
   * further.
   */
  private static final int MAX_BODY = 22 * 1024 * 1024;

  private Mutator() {}

  /** Mutated request {@code index} of run {@code runSeed}. */
  public static FuzzCase generate(long runSeed, int index) {
    SplittableRandom r = new SplittableRandom(mix(runSeed, index));
    Kind kind = pickKind(r);
    List<Seed> candidates = Seeds.of(kind);
    Seed seed = candidates.get(r.nextInt(candidates.size()));
    List<Seed> sameKind = candidates;
    byte[] other = sameKind.get(r.nextInt(sameKind.size())).bytes();
    boolean heavy = r.nextInt(100) < HEAVY_PERCENT;
    int ops = 1 + (r.nextBoolean() ? 0 : r.nextInt(4));
    List<String> what = new ArrayList<>();
    byte[] body =
        kind == Kind.PROTOBUF
            ? mutateProtobuf(r, seed, other, ops, heavy, what)
            : mutateJson(r, seed, other, ops, heavy, what);
    if (body.length > MAX_BODY) {
      what.add("cut to " + MAX_BODY + " of " + body.length + " bytes");
      body = java.util.Arrays.copyOf(body, MAX_BODY);
    }
    Request request = route(r, seed, body, what);
    if (r.nextInt(100) < ENCODING_PERCENT) {
      Encodings.Encoded e =
          Encodings.encode(
              r,
              request.body(),
              request.transport() == Transport.OTLP_HTTP_PROTOBUF
                  || request.transport() == Transport.OTLP_HTTP_JSON,
              request.transport() == Transport.OTLP_GRPC);
      request = request.withContentEncoding(e.contentEncoding(), e.body());
      what.add(e.description());
    }
    if (request.transport().isHttp() && r.nextInt(100) < ENVELOPE_PERCENT)
      request = envelope(r, request, what);
    return new FuzzCase(runSeed, index, request, seed.name(), what);
  }

  /** SplitMix64 of the run seed and the index: independent streams per case. */
  static long mix(long runSeed, int index) {
    long z = runSeed + 0x9E3779B97F4A7C15L * (index + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static Kind pickKind(SplittableRandom r) {
    int p = r.nextInt(100);
    if (p < 50) return Kind.PROTOBUF;
    if (p < 75) return Kind.OTLP_JSON;
    if (p < 83) return Kind.INGEST_OBJECT;
    if (p < 91) return Kind.INGEST_ARRAY;
    return Kind.INGEST_NDJSON;
  }

  /** Larger mutated protobuf trees are not sent (the receivers' body limits are far below it). */
  private static final long MAX_TREE_BYTES = 64L * 1024 * 1024;

  private static byte[] mutateProtobuf(
      SplittableRandom r, Seed seed, byte[] other, int ops, boolean heavy, List<String> what) {
    List<ProtoWire.Node> tree = ProtoWire.parse(seed.bytes());
    if (tree == null) throw new IllegalStateException("seed " + seed.name() + " does not parse");
    tree = new ArrayList<>(tree.stream().map(ProtoWire.Node::copy).toList());
    List<Boolean> byteLevel = new ArrayList<>();
    for (int i = 0; i < ops; i++) byteLevel.add(r.nextInt(100) < 40);
    for (int i = 0; i < ops; i++) {
      if (!byteLevel.get(i)) what.add(ProtoMutations.mutate(r, tree, seed.signal(), false));
    }
    if (heavy) what.add(ProtoMutations.mutate(r, tree, seed.signal(), true));
    long size = ProtoWire.encodedSize(tree);
    if (size > MAX_TREE_BYTES) {
      // Mutations compounded past what a client could send (and past the test's heap): the seed
      // goes out with the byte-level mutations only.
      what.add("tree mutations made " + size + " bytes; sent the seed instead");
      tree = ProtoWire.parse(seed.bytes());
    }
    byte[] body = ProtoWire.encode(tree);
    for (int i = 0; i < ops; i++) {
      if (byteLevel.get(i)) {
        String[] w = new String[1];
        body = ByteMutations.mutate(r, body, other, w);
        what.add(w[0]);
      }
    }
    return body;
  }

  private static byte[] mutateJson(
      SplittableRandom r, Seed seed, byte[] other, int ops, boolean heavy, List<String> what) {
    boolean ndjson = seed.kind() == Kind.INGEST_NDJSON;
    byte[] body = seed.bytes();
    for (int i = 0; i < ops; i++) {
      String[] w = new String[1];
      body =
          r.nextInt(100) < 60
              ? JsonMutations.mutate(r, body, ndjson, false, w)
              : ByteMutations.mutate(r, body, other, w);
      what.add(w[0]);
    }
    if (heavy) {
      String[] w = new String[1];
      body = JsonMutations.mutate(r, body, ndjson, true, w);
      what.add(w[0]);
    }
    return body;
  }

  /** Where the body goes: the receiver and content type that fit its seed, sometimes another. */
  private static Request route(SplittableRandom r, Seed seed, byte[] body, List<String> what) {
    int p = r.nextInt(100);
    Signal signal = seed.signal();
    return switch (seed.kind()) {
      case PROTOBUF -> {
        if (p < 58) yield Request.otlpProtobuf(signal, body);
        if (p < 98) yield Request.grpc(signal, body);
        what.add("sent as OTLP/JSON");
        yield Request.otlpJson(signal, body);
      }
      case OTLP_JSON -> {
        if (p < 96) yield Request.otlpJson(signal, body);
        if (p < 98) {
          what.add("sent as protobuf");
          yield Request.otlpProtobuf(signal, body);
        }
        what.add("sent to http_json");
        yield Request.ingest(Request.JSON, body);
      }
      case INGEST_OBJECT, INGEST_ARRAY -> {
        if (p < 88) yield Request.ingest(Request.JSON, body);
        if (p < 97)
          yield Request.ingest(
              r.nextBoolean() ? Request.NDJSON : "application/json; charset=utf-8", body);
        what.add("sent as OTLP/JSON");
        yield Request.otlpJson(Signal.LOGS, body);
      }
      case INGEST_NDJSON -> {
        if (p < 75) yield Request.ingest(Request.NDJSON, body);
        if (p < 97)
          yield Request.ingest(r.nextBoolean() ? Request.JSON : "application/jsonl", body);
        what.add("sent as OTLP/JSON");
        yield Request.otlpJson(Signal.LOGS, body);
      }
    };
  }

  /** A rare odd request line or header: method, path, content type, a 64 KiB header. */
  private static Request envelope(SplittableRandom r, Request request, List<String> what) {
    switch (r.nextInt(6)) {
      case 0 -> {
        String m = new String[] {"GET", "PUT", "DELETE", "PATCH", "OPTIONS"}[r.nextInt(5)];
        what.add("method " + m);
        return request.withMethod(m);
      }
      case 1 -> {
        String p =
            new String[] {
                  "/v1/log", "/v1/logs/", "/", "/v1/logs?x=1", "/ingest/x", "/%00", "/v1/../v1/logs"
                }
                [r.nextInt(7)];
        what.add("path " + p);
        return request.withPath(p);
      }
      case 2 -> {
        String t =
            new String[] {
                  "text/plain",
                  "APPLICATION/JSON",
                  "application/x-protobuf; proto=x",
                  "application/grpc",
                  "*/*",
                  "application/json;charset=latin1"
                }
                [r.nextInt(6)];
        what.add("Content-Type " + t);
        return request.withContentType(t);
      }
      case 3 -> {
        what.add("no Content-Type");
        return request.withContentType(null);
      }
      case 4 -> {
        what.add("64 KiB header");
        return request.withHeaders(Map.of("X-Fuzz", "h".repeat(64 * 1024)));
      }
      default -> {
        what.add("many headers");
        Map<String, String> h = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 500; i++) h.put("X-Fuzz-" + i, "v" + i);
        return request.withHeaders(h);
      }
    }
  }
}
