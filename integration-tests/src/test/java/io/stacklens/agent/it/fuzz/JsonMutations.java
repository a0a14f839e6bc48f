package io.stacklens.agent.it.fuzz;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mutations that know JSON: deep nesting, huge and odd numbers, lone surrogate escapes, invalid
 * UTF-8, unterminated strings, duplicate keys, values of the wrong type, many array elements, and
 * for NDJSON, line-level edits. Works on the tokens Jackson finds (as far as it gets into a body an
 * earlier mutation broke).
 */
final class JsonMutations {
  private static final JsonFactory JSON = new JsonFactory();

  static final String[] NUMBERS = {
    "1e999999999",
    "-1e-999999999",
    "1.7976931348623157e309",
    "18446744073709551616",
    "-9223372036854775809",
    "9223372036854775807",
    "-0",
    "0.0000000000000000000000000001",
    "01",
    "1.",
    ".5",
    "1e",
    "-",
    "NaN",
    "Infinity",
    "-Infinity",
    "0x10",
    "1_000",
    "4.9e-325",
    "123456789012345678901234567890"
  };

  static final String[] ESCAPES = {
    "\\ud800",
    "\\udfff",
    "\\ud800\\u0041",
    "\\udbff\\udfff",
    "\\udc00\\ud800",
    "\\u0000",
    "\\uZZZZ",
    "\\u12",
    "\\x41",
    "\\",
    "\\ud800\\",
    "\\uD834\\uDD1E"
  };

  static final byte[][] BAD_UTF8 = {
    {(byte) 0xC0, (byte) 0x80},
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
    {(byte) 0xFF},
    {(byte) 0xE2, (byte) 0x82},
    {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
    {(byte) 0x80},
    {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
    {0},
    {(byte) 0xEF, (byte) 0xBF, (byte) 0xBF}
  };

  static final String[] VALUES = {
    "{}",
    "[]",
    "\"\"",
    "\"x\"",
    "0",
    "-1",
    "true",
    "false",
    "null",
    "1.5",
    "\"AAAA\"",
    "[{}]",
    "{\"\":null}",
    "\"00000000000000000000000000000000\"",
    "\"zz\"",
    "\"5B8EFFF798038103D269B633813FC60C\"",
    "[[],[[]]]",
    "{\"a\":[]}",
    "\"2026-13-45T99:99:99Z\"",
    "\"-1\"",
    "\"9999999999999999999999\"",
    "\"1e400\""
  };

  static final String[] KEYS = {
    "\"\"",
    "\"\\u0072esourceLogs\"",
    "\"resource_logs\"",
    "\"ResourceLogs\"",
    "\"logRecords\"",
    "\"attributes\"",
    "\"body\"",
    "\"timeUnixNano\"",
    "\"traceId\"",
    "\"severityNumber\"",
    "\"kvlistValue\"",
    "\"arrayValue\"",
    "\"message\"",
    "\"level\"",
    "\"timestamp\"",
    "\"resource\"",
    "\"scope\"",
    "\"\\u0000\"",
    "\"k\\ud800\""
  };

  private JsonMutations() {}

  /** A token (or a whole container) and where it lies in the body. */
  record Token(JsonToken type, int start, int end, boolean inArray, int depth) {}

  /** The tokens of {@code body}, as far as Jackson can read it; containers span to their end. */
  static List<Token> tokens(byte[] body) {
    List<Token> out = new ArrayList<>();
    Deque<int[]> open = new ArrayDeque<>(); // {index in out}
    Deque<Boolean> arrays = new ArrayDeque<>();
    try (JsonParser p = JSON.createParser(body)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        int start = (int) p.currentTokenLocation().getByteOffset();
        boolean inArray = !arrays.isEmpty() && arrays.peek();
        switch (t) {
          case START_OBJECT, START_ARRAY -> {
            out.add(new Token(t, start, -1, inArray, arrays.size()));
            open.push(new int[] {out.size() - 1});
            arrays.push(t == JsonToken.START_ARRAY);
          }
          case END_OBJECT, END_ARRAY -> {
            arrays.pop();
            int i = open.pop()[0];
            Token s = out.get(i);
            out.set(
                i,
                new Token(
                    s.type(),
                    s.start(),
                    (int) p.currentLocation().getByteOffset(),
                    s.inArray(),
                    s.depth()));
          }
          default -> {
            if (t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME) p.getText();
            out.add(
                new Token(
                    t, start, (int) p.currentLocation().getByteOffset(), inArray, arrays.size()));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // a broken body: use what was read
    }
    out.removeIf(tk -> tk.end() < tk.start() || tk.end() > body.length || tk.start() < 0);
    return out;
  }

  /** One JSON-aware mutation; heavy (large-output) ones only when {@code heavy}. */
  static byte[] mutate(
      SplittableRandom r, byte[] in, boolean ndjson, boolean heavy, String[] what) {
    List<Token> tokens = tokens(in);
    if (tokens.isEmpty()) return ByteMutations.mutate(r, in, in, what);
    if (heavy) {
      return switch (r.nextInt(4)) {
        case 0 ->
            deepNesting(r, in, tokens, new int[] {10_000, 100_000, 1_000_000}[r.nextInt(3)], what);
        case 1 -> manyElements(r, in, tokens, new int[] {100_001, 300_000}[r.nextInt(2)], what);
        case 2 ->
            hugeString(
                r, in, tokens, new int[] {1024 * 1024 + 1, 8 * 1024 * 1024}[r.nextInt(2)], what);
        default ->
            ndjson
                ? repeatLines(r, in, new int[] {100_001, 500_000}[r.nextInt(2)], what)
                : duplicateKey(r, in, tokens, 100_000, what);
      };
    }
    int choice = r.nextInt(ndjson ? 13 : 12);
    return switch (choice) {
      case 0 ->
          deepNesting(
              r, in, tokens, new int[] {63, 64, 65, 100, 999, 1001, 3000}[r.nextInt(7)], what);
      case 1 -> replaceValue(r, in, tokens, oddNumber(r), "number", what);
      case 2 ->
          insertIntoString(
              r,
              in,
              tokens,
              ESCAPES[r.nextInt(ESCAPES.length)].getBytes(StandardCharsets.US_ASCII),
              "escape",
              what);
      case 3 ->
          insertIntoString(
              r, in, tokens, BAD_UTF8[r.nextInt(BAD_UTF8.length)], "invalid UTF-8", what);
      case 4 -> unterminatedString(r, in, tokens, what);
      case 5 -> duplicateKey(r, in, tokens, r.nextBoolean() ? 1 : 1 + r.nextInt(50), what);
      case 6 -> replaceValue(r, in, tokens, VALUES[r.nextInt(VALUES.length)], "value", what);
      case 7 -> manyElements(r, in, tokens, new int[] {2, 10, 1000}[r.nextInt(3)], what);
      case 8 -> structural(r, in, tokens, what);
      case 9 -> renameKey(r, in, tokens, what);
      case 10 ->
          replaceValue(
              r,
              in,
              tokens,
              "\"" + "\\u00e9".repeat(1 + r.nextInt(2000)) + "\"",
              "escaped string",
              what);
      case 11 -> deepNestingUnclosed(r, in, tokens, what);
      default -> lineEdit(r, in, what);
    };
  }

  private static String oddNumber(SplittableRandom r) {
    if (r.nextInt(4) == 0) {
      int digits = new int[] {20, 400, 1001, 10_000, 100_000}[r.nextInt(5)];
      StringBuilder sb = new StringBuilder(digits + 8);
      sb.append(r.nextBoolean() ? "-" : "").append('9');
      for (int i = 1; i < digits; i++) sb.append((char) ('0' + r.nextInt(10)));
      if (r.nextBoolean()) sb.append(".5e").append(r.nextInt(100_000));
      return sb.toString();
    }
    return NUMBERS[r.nextInt(NUMBERS.length)];
  }

  private static Token pick(
      SplittableRandom r, List<Token> tokens, java.util.function.Predicate<Token> which) {
    List<Token> fit = tokens.stream().filter(which).toList();
    return fit.isEmpty() ? tokens.get(r.nextInt(tokens.size())) : fit.get(r.nextInt(fit.size()));
  }

  private static boolean isValue(Token t) {
    return t.type() != JsonToken.FIELD_NAME;
  }

  static byte[] replaceValue(
      SplittableRandom r, byte[] in, List<Token> tokens, String with, String kind, String[] what) {
    Token t =
        pick(
            r,
            tokens,
            kind.equals("number")
                ? tk -> tk.type().isNumeric() || r.nextInt(4) == 0
                : JsonMutations::isValue);
    what[0] = kind + " " + abbreviate(with) + " replaces " + t.type() + " at " + t.start();
    return ByteMutations.splice(in, t.start(), t.end(), with.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] deepNesting(
      SplittableRandom r, byte[] in, List<Token> tokens, int depth, String[] what) {
    Token t = pick(r, tokens, JsonMutations::isValue);
    boolean objects = r.nextBoolean();
    what[0] =
        (objects ? "objects" : "arrays")
            + " nested "
            + depth
            + " deep replace "
            + t.type()
            + " at "
            + t.start();
    return ByteMutations.splice(in, t.start(), t.end(), DeepValues.json(depth, objects, true));
  }

  static byte[] deepNestingUnclosed(
      SplittableRandom r, byte[] in, List<Token> tokens, String[] what) {
    Token t = pick(r, tokens, JsonMutations::isValue);
    int depth = new int[] {100, 10_000, 200_000}[r.nextInt(3)];
    what[0] = depth + " unclosed [ at " + t.start() + ", rest cut";
    byte[] deep = DeepValues.json(depth, false, false);
    byte[] out = java.util.Arrays.copyOf(in, t.start() + deep.length);
    System.arraycopy(deep, 0, out, t.start(), deep.length);
    return out;
  }

  static byte[] insertIntoString(
      SplittableRandom r, byte[] in, List<Token> tokens, byte[] bytes, String kind, String[] what) {
    Token t =
        pick(
            r,
            tokens,
            tk -> tk.type() == JsonToken.VALUE_STRING || tk.type() == JsonToken.FIELD_NAME);
    if (t.end() - t.start() < 2) return replaceValue(r, in, tokens, "\"\\ud800\"", "value", what);
    int at =
        t.start()
            + 1
            + r.nextInt(t.end() - t.start() - 1); // after the opening quote, up to the closing one
    what[0] =
        kind
            + " "
            + abbreviate(new String(bytes, StandardCharsets.ISO_8859_1))
            + " into "
            + t.type()
            + " at "
            + at;
    return ByteMutations.splice(in, at, at, bytes);
  }

  static byte[] unterminatedString(
      SplittableRandom r, byte[] in, List<Token> tokens, String[] what) {
    Token t =
        pick(
            r,
            tokens,
            tk -> tk.type() == JsonToken.VALUE_STRING || tk.type() == JsonToken.FIELD_NAME);
    if (r.nextBoolean() && t.end() - t.start() >= 2) {
      what[0] = "closing quote of " + t.type() + " at " + t.start() + " removed";
      return ByteMutations.splice(in, t.end() - 1, t.end(), new byte[0]);
    }
    int cut =
        Math.min(
            in.length,
            t.start() + 1 + (t.end() - t.start() > 2 ? r.nextInt(t.end() - t.start() - 2) : 0));
    what[0] = "cut inside " + t.type() + " at " + cut;
    return java.util.Arrays.copyOf(in, cut);
  }

  static byte[] duplicateKey(
      SplittableRandom r, byte[] in, List<Token> tokens, int times, String[] what) {
    int i;
    List<Integer> names = new ArrayList<>();
    for (int k = 0; k + 1 < tokens.size(); k++)
      if (tokens.get(k).type() == JsonToken.FIELD_NAME) names.add(k);
    if (names.isEmpty())
      return replaceValue(r, in, tokens, VALUES[r.nextInt(VALUES.length)], "value", what);
    i = names.get(r.nextInt(names.size()));
    Token name = tokens.get(i);
    Token value = tokens.get(i + 1);
    byte[] member = new byte[value.end() - name.start() + 1];
    System.arraycopy(in, name.start(), member, 0, member.length - 1);
    member[member.length - 1] = ',';
    times = Math.max(1, Math.min(times, ProtoMutations.HEAVY_BYTES / member.length));
    byte[] rep = new byte[member.length * times];
    for (int k = 0; k < times; k++)
      System.arraycopy(member, 0, rep, k * member.length, member.length);
    what[0] =
        "member at "
            + name.start()
            + " duplicated x"
            + times
            + " ("
            + member.length
            + " bytes each)";
    return ByteMutations.splice(in, name.start(), name.start(), rep);
  }

  static byte[] manyElements(
      SplittableRandom r, byte[] in, List<Token> tokens, int times, String[] what) {
    Token t = pick(r, tokens, tk -> tk.inArray() && isValue(tk));
    if (!t.inArray()) return duplicateKey(r, in, tokens, Math.min(times, 1000), what);
    byte[] element = new byte[t.end() - t.start() + 1];
    element[0] = ',';
    System.arraycopy(in, t.start(), element, 1, element.length - 1);
    long size = (long) element.length * times;
    if (size > ProtoMutations.HEAVY_BYTES)
      times = Math.max(2, ProtoMutations.HEAVY_BYTES / element.length);
    byte[] rep = new byte[element.length * times];
    for (int k = 0; k < times; k++)
      System.arraycopy(element, 0, rep, k * element.length, element.length);
    what[0] =
        "array element at "
            + t.start()
            + " repeated x"
            + times
            + " ("
            + (element.length - 1)
            + " bytes each)";
    return ByteMutations.splice(in, t.end(), t.end(), rep);
  }

  static byte[] hugeString(
      SplittableRandom r, byte[] in, List<Token> tokens, int size, String[] what) {
    Token t = pick(r, tokens, tk -> tk.type() == JsonToken.VALUE_STRING);
    byte[] s = new byte[size + 2];
    java.util.Arrays.fill(s, (byte) 'y');
    s[0] = '"';
    s[s.length - 1] = '"';
    what[0] = size + "-byte string replaces " + t.type() + " at " + t.start();
    return ByteMutations.splice(in, t.start(), t.end(), s);
  }

  static byte[] structural(SplittableRandom r, byte[] in, List<Token> tokens, String[] what) {
    Token t = tokens.get(r.nextInt(tokens.size()));
    return switch (r.nextInt(7)) {
      case 0 -> {
        what[0] = "byte at " + t.start() + " deleted";
        yield ByteMutations.splice(in, t.start(), Math.min(in.length, t.start() + 1), new byte[0]);
      }
      case 1 -> {
        byte[] c = {"{}[],:\"\\".getBytes(StandardCharsets.US_ASCII)[r.nextInt(8)]};
        what[0] = "'" + (char) c[0] + "' inserted at " + t.start();
        yield ByteMutations.splice(in, t.start(), t.start(), c);
      }
      case 2 -> {
        what[0] = "trailing garbage";
        yield ByteMutations.splice(
            in, in.length, in.length, "}]garbage\u0000".getBytes(StandardCharsets.UTF_8));
      }
      case 3 -> {
        what[0] = "UTF-8 BOM prefix";
        yield ByteMutations.splice(in, 0, 0, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
      }
      case 4 -> {
        what[0] = "comment at " + t.start();
        yield ByteMutations.splice(
            in, t.start(), t.start(), "/* c */ // x\n".getBytes(StandardCharsets.US_ASCII));
      }
      case 5 -> {
        int n = new int[] {1000, 100_000, 1_000_000}[r.nextInt(3)];
        what[0] = n + " spaces at " + t.start();
        byte[] ws = new byte[n];
        java.util.Arrays.fill(ws, (byte) ' ');
        yield ByteMutations.splice(in, t.start(), t.start(), ws);
      }
      default -> {
        what[0] = "container at " + t.start() + " emptied";
        Token c =
            pick(
                r,
                tokens,
                tk -> tk.type() == JsonToken.START_OBJECT || tk.type() == JsonToken.START_ARRAY);
        byte[] empty =
            c.type() == JsonToken.START_ARRAY
                ? "[]".getBytes(StandardCharsets.US_ASCII)
                : "{}".getBytes(StandardCharsets.US_ASCII);
        yield ByteMutations.splice(in, c.start(), c.end(), empty);
      }
    };
  }

  static byte[] renameKey(SplittableRandom r, byte[] in, List<Token> tokens, String[] what) {
    Token t = pick(r, tokens, tk -> tk.type() == JsonToken.FIELD_NAME);
    if (t.type() != JsonToken.FIELD_NAME)
      return replaceValue(r, in, tokens, VALUES[r.nextInt(VALUES.length)], "value", what);
    String key =
        r.nextInt(8) == 0
            ? "\"" + "k".repeat(new int[] {1000, 100_000}[r.nextInt(2)]) + "\""
            : KEYS[r.nextInt(KEYS.length)];
    what[0] = "key at " + t.start() + " renamed " + abbreviate(key);
    return ByteMutations.splice(in, t.start(), t.end(), key.getBytes(StandardCharsets.UTF_8));
  }

  /** NDJSON: a line-level edit. */
  static byte[] lineEdit(SplittableRandom r, byte[] in, String[] what) {
    String text = new String(in, StandardCharsets.ISO_8859_1);
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    int i = r.nextInt(lines.size());
    switch (r.nextInt(6)) {
      case 0 -> {
        lines.add(i, "");
        lines.add(i, "\r");
        what[0] = "blank lines at line " + i;
      }
      case 1 -> {
        lines.set(i, "[" + lines.get(i) + "]");
        what[0] = "line " + i + " wrapped in an array";
      }
      case 2 -> {
        lines.add(i, " ".repeat(1 + r.nextInt(100_000)) + "\u0000");
        what[0] = "line of spaces and NUL at " + i;
      }
      case 3 -> {
        if (i + 1 < lines.size()) lines.set(i, lines.get(i) + lines.remove(i + 1));
        what[0] = "lines " + i + " and " + (i + 1) + " joined";
      }
      case 4 -> {
        lines.add(i, "{\"message\":\"a\"}{\"message\":\"b\"}");
        what[0] = "two objects on line " + i;
      }
      default -> {
        for (int k = 0; k < lines.size(); k++) lines.set(k, lines.get(k) + "\r");
        what[0] = "CRLF line ends";
      }
    }
    return String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] repeatLines(SplittableRandom r, byte[] in, int times, String[] what) {
    String text = new String(in, StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\n");
    String line = lines[r.nextInt(lines.length)] + "\n";
    long size = (long) line.length() * times;
    if (size > ProtoMutations.HEAVY_BYTES)
      times = Math.max(2, ProtoMutations.HEAVY_BYTES / line.length());
    what[0] = "NDJSON line repeated x" + times + " (" + line.length() + " bytes each)";
    return (text + "\n" + line.repeat(times)).getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 20) + "...(" + s.length() + " chars)";
  }
}
