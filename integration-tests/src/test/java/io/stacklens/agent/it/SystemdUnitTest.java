package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged systemd unit ({@code packaging/systemd/stacklens-agent.service}): each setting in
 * the section systemd reads it from, the hardening docs/packaging.md promises, and, where this
 * machine has {@code systemd-analyze}, no warning from {@code systemd-analyze verify}.
 */
class SystemdUnitTest {
  private static final Path UNIT = Path.of("..", "packaging", "systemd", "stacklens-agent.service");
  private static final String EXEC = "/opt/stacklens-agent/bin/stacklens-agent";

  @TempDir Path dir;

  @Test
  void startLimitsAreInTheUnitSectionWhereSystemdReadsThem() throws Exception {
    Map<String, List<String>> sections = sections(Files.readString(UNIT));
    assertThat(sections.get("Unit")).contains("StartLimitIntervalSec=300", "StartLimitBurst=5");
    assertThat(sections.get("Service")).noneMatch(l -> l.startsWith("StartLimit"));
  }

  @Test
  void theServiceIsConfinedToTheSystemCallsOfOrdinaryServices() throws Exception {
    List<String> service = sections(Files.readString(UNIT)).get("Service");
    assertThat(service)
        .contains(
            "SystemCallFilter=@system-service",
            "SystemCallArchitectures=native",
            "NoNewPrivileges=yes",
            "DynamicUser=yes",
            "ProtectSystem=strict",
            "Restart=on-failure",
            "SuccessExitStatus=143");
    assertThat(service).anyMatch(l -> l.startsWith("ExecStart=" + EXEC + " run --config "));
  }

  @Test
  void systemdAnalyzeVerifyFindsNothingToWarnAbout() throws Exception {
    Optional<Path> analyze = executable("systemd-analyze");
    assumeThat(analyze)
        .as("systemd-analyze is not installed: the section checks above still ran")
        .isPresent();
    // The launcher is not installed under /opt here: point ExecStart at an executable that exists.
    Path unit = dir.resolve("stacklens-agent.service");
    Files.writeString(unit, Files.readString(UNIT).replace(EXEC, "/bin/true"));
    Process p =
        new ProcessBuilder(analyze.get().toString(), "verify", unit.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output).as("systemd-analyze verify").isBlank();
    assertThat(p.exitValue()).as("systemd-analyze verify: %s", output).isZero();
  }

  /** Settings (comments and blank lines left out) by section name. */
  private static Map<String, List<String>> sections(String unit) {
    Map<String, List<String>> sections = new LinkedHashMap<>();
    List<String> current = null;
    for (String line : unit.lines().map(String::strip).toList()) {
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) continue;
      if (line.startsWith("[") && line.endsWith("]")) {
        current =
            sections.computeIfAbsent(line.substring(1, line.length() - 1), k -> new ArrayList<>());
      } else if (current != null) {
        current.add(line);
      }
    }
    return sections;
  }

  private static Optional<Path> executable(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (d.isEmpty()) continue;
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) return Optional.of(p);
    }
    return Optional.empty();
  }
}
