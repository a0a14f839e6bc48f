package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.it.support.AgentProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The tests that prove the agent survives hostile requests run it with {@link
 * AgentProcess#LAUNCHER_JVM_OPTIONS}; this keeps that constant equal to the defaults of the
 * launcher users run.
 */
class LauncherDefaultsTest {
  private static final Path LAUNCHER =
      Path.of("..", "packaging", "src", "dist", "bin", "stacklens-agent");

  @Test
  void launcherJvmOptionsMirrorThePackagedLauncher() throws Exception {
    Matcher m =
        Pattern.compile("default_opts=\"\\$default_opts (\\S+)\"")
            .matcher(Files.readString(LAUNCHER));
    List<String> defaults = new ArrayList<>();
    while (m.find()) defaults.add(m.group(1));
    assertThat(defaults)
        .as("default JVM options in %s", LAUNCHER)
        .containsExactlyElementsOf(AgentProcess.LAUNCHER_JVM_OPTIONS);
    assertThat(AgentProcess.LAUNCHER_JVM_OPTIONS)
        .contains("-Xmx" + AgentProcess.LAUNCHER_MAX_HEAP_BYTES / (1024 * 1024) + "m");
    String script = Files.readString(LAUNCHER);
    assertThat(script)
        .as("the launcher tries %s", AgentProcess.LAUNCHER_TRIM_OPTION)
        .contains(
            "\"$java_cmd\" " + AgentProcess.LAUNCHER_TRIM_OPTION + " -version",
            "trim_opt=\"" + AgentProcess.LAUNCHER_TRIM_OPTION + "\"");
    AgentProcess.LAUNCHER_ENVIRONMENT.forEach(
        (name, value) ->
            assertThat(script)
                .as("the launcher sets %s", name)
                .contains(name + "=${" + name + ":-" + value + "}", "export " + name));
  }
}
