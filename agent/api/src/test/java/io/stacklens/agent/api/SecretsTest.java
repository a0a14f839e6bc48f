package io.stacklens.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {
  @Test
  void redactsPasswordsInsideUrlsAndConnectionStrings() {
    assertThat(Secrets.redact("jdbc:postgresql://db:5432/logs?user=agent&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db:5432/logs?user=agent&password=<redacted>&ssl=true");
    assertThat(Secrets.redact("postgresql://agent:s3cret@db:5432/logs"))
        .isEqualTo("postgresql://agent:<redacted>@db:5432/logs");
    assertThat(Secrets.redact("jdbc:sqlserver://db;user=agent;password=s3cret;encrypt=true"))
        .isEqualTo("jdbc:sqlserver://db;user=agent;password=<redacted>;encrypt=true");
    assertThat(Secrets.redact("https://api.example.com/v1?api_key=k-1&region=eu"))
        .isEqualTo("https://api.example.com/v1?api_key=<redacted>&region=eu");
    assertThat(Secrets.redact("https://user@example.com/a?b=c"))
        .as("no password, nothing secret")
        .isEqualTo("https://user@example.com/a?b=c");
    assertThat(Secrets.redact("/var/log/app.log")).isEqualTo("/var/log/app.log");
  }

  @Test
  void secretKeyNamesAreRecognised() {
    assertThat(Secrets.isSecretName("sasl_password")).isTrue();
    assertThat(Secrets.isSecretName("Auth_Token")).isTrue();
    assertThat(Secrets.isSecretName("client_secret")).isTrue();
    assertThat(Secrets.isSecretName("sasl.jaas.config")).isTrue();
    assertThat(Secrets.isSecretName("api_key")).isTrue();
    assertThat(Secrets.isSecretName("endpoint")).isFalse();
  }

  @Test
  void nullStaysNull() {
    assertThat(Secrets.redact(null)).isNull();
  }
}
