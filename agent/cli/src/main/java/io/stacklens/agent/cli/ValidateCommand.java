package io.stacklens.agent.cli;

import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.LoadResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description =
        "Check config files: exit 0 when valid, else print every error (file:line:column) and exit 1.")
final class ValidateCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (config.files.isEmpty()) {
      spec.commandLine().getErr().println("validate needs at least one --config FILE");
      return 2;
    }
    LoadResult result = config.load(ComponentRegistry.load(Main.class.getClassLoader()));
    ConfigOptions.report(result, spec.commandLine().getErr());
    if (result.hasErrors()) return 1;
    spec.commandLine()
        .getOut()
        .println(
            "configuration is valid: "
                + String.join(", ", config.files.stream().map(Object::toString).toList()));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
