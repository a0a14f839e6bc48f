package io.stacklens.agent.it.blocking;

import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.Secret;

/**
 * Config of the test-only {@code blocking} exporter. Its two string options do nothing; they exist
 * so tests can check secret redaction:
 *
 * <pre>
 * credential: ""     # marked @Secret: redacted by print-config
 * auth_token: ""     # redacted because the key contains "token"
 * </pre>
 */
public class BlockingExporterConfig extends ExporterConfig {
  @Secret public String credential = "";
  public String authToken = "";
}
