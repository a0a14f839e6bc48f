package io.stacklens.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ConfigProblems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpServerSettingsTest {
  private static List<String> problems(HttpServerSettings settings) {
    List<String> out = new ArrayList<>();
    settings.validate(
        new ConfigProblems() {
          @Override
          public void error(String path, String message) {
            out.add(path + ": " + message);
          }

          @Override
          public void warning(String path, String message) {
            out.add("warning " + path + ": " + message);
          }
        });
    return out;
  }

  @Test
  void defaultsAreValidAndFitASidecar() {
    HttpServerSettings s = new HttpServerSettings();
    assertThat(problems(s)).isEmpty();
    HttpServerLimits limits = s.limits("protocols.http.");
    assertThat(limits.readHeaderTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(limits.readTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(limits.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(limits.maxConnections()).isEqualTo(1000);
    assertThat(limits.maxHeaderSize()).isEqualTo(16 * 1024);
    assertThat(limits.maxRequestLine()).isEqualTo(4 * 1024);
    assertThat(limits.key("read_timeout")).isEqualTo("protocols.http.read_timeout");
  }

  @Test
  void everyProblemNamesItsKey() {
    HttpServerSettings s = new HttpServerSettings();
    s.readHeaderTimeout = Duration.ZERO;
    s.idleTimeout = Duration.ofSeconds(-1);
    s.maxConnections = 0;
    s.maxHeaderSize = new ByteSize(100);
    assertThat(problems(s))
        .containsExactly(
            "read_header_timeout: must be positive, e.g. 10s; got 0s",
            "idle_timeout: must be positive, e.g. 10s; got -1s",
            "max_connections: must be at least 1, got 0",
            "max_header_size: must be between 1KiB and 1MiB, got 100");
  }

  @Test
  void readTimeoutCoversTheHeaders() {
    HttpServerSettings s = new HttpServerSettings();
    s.readHeaderTimeout = Duration.ofSeconds(20);
    s.readTimeout = Duration.ofSeconds(5);
    assertThat(problems(s))
        .containsExactly(
            "read_timeout: must be at least read_header_timeout (20s): it covers the headers too; got 5s");
  }
}
