package io.stacklens.exporter.otlp;

import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.Secret;
import io.stacklens.agent.tls.TlsClientSettings;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the {@code otlp} and {@code otlphttp} exporters share beside the exporter helper's settings
 * ({@code timeout}, {@code sending_queue}, {@code batch}, {@code retry_on_failure}):
 *
 * <pre>
 * tls: { ca_file: ..., cert_file: ..., key_file: ... }   # see TlsClientSettings
 * headers: { x-api-key: "${env:GATEWAY_KEY}" }           # sent with every request
 * compression: gzip                                     # gzip | zstd | none
 * </pre>
 */
public abstract class OtlpClientConfig extends ExporterConfig {
  /** TLS towards the server; on by default, trusting the JVM's CAs. */
  public TlsClientSettings tls = new TlsClientSettings();

  /**
   * Headers (gRPC metadata) sent with every request, e.g. an API key; values are shown redacted by
   * {@code print-config}.
   */
  @Secret public Map<String, String> headers = new LinkedHashMap<>();

  /** How request bodies are compressed: {@code gzip} (default), {@code zstd} or {@code none}. */
  public OtlpCompression compression = OtlpCompression.GZIP;

  /**
   * The exporter helper's defaults for OTLP: four sender threads, since each call waits a round
   * trip for the server's answer and several in flight hide it (docs/benchmarks.md, "OTLP
   * forwarding").
   */
  protected OtlpClientConfig() {
    sendingQueue.numConsumers = 4;
  }

  @Override
  public void validate(ConfigProblems problems) {
    super.validate(problems);
    if (compression == null) problems.error("compression", "must be gzip, zstd or none");
    if (tls == null) problems.error("tls", "must not be empty; remove it to use the defaults");
    if (headers != null) {
      for (Map.Entry<String, String> h : headers.entrySet()) {
        String name = h.getKey();
        if (name.isEmpty() || !name.chars().allMatch(OtlpClientConfig::isTokenChar)) {
          problems.error("headers." + name, "is not a valid header name (letters, digits, -_.)");
        } else if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
          problems.error(
              "headers." + name,
              "is set by the exporter or its transport itself (content type, encoding, length,"
                  + " connection handling)");
        } else if (name.toLowerCase(Locale.ROOT).endsWith("-bin")) {
          problems.error(
              "headers." + name, "names binary gRPC metadata (-bin), which is not supported");
        }
        String value = h.getValue();
        if (value == null || !value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c < 0x7f))) {
          problems.error(
              "headers." + name,
              "must be one line of printable ASCII (letters, digits, punctuation, spaces)");
        }
      }
    }
  }

  private static final java.util.Set<String> RESERVED =
      java.util.Set.of(
          "content-type",
          "content-encoding",
          "content-length",
          "grpc-encoding",
          "grpc-accept-encoding",
          "te",
          "host",
          "connection",
          "keep-alive",
          "transfer-encoding",
          "upgrade",
          "expect");

  private static boolean isTokenChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_'
        || c == '.';
  }
}
