package io.stacklens.agent.cli;

import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigRenderer;
import io.stacklens.agent.config.LoadResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "print-config",
    mixinStandardHelpOptions = true,
    description =
        "Print the effective config (files merged, --set applied, defaults filled in, secrets redacted).")
final class PrintConfigCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    LoadResult result = config.load(ComponentRegistry.load(Main.class.getClassLoader()));
    ConfigOptions.report(result, spec.commandLine().getErr());
    if (result.config().isEmpty()) return 1;
    spec.commandLine().getOut().print(ConfigRenderer.render(result.config().get(), true));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
