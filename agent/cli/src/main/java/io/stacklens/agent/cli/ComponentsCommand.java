package io.stacklens.agent.cli;

import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Factory;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.data.Signal;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "components",
    mixinStandardHelpOptions = true,
    description =
        "List the component types this build contains, per kind, with stability and signals.")
final class ComponentsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ComponentRegistry registry = ComponentRegistry.load(Main.class.getClassLoader());
    PrintWriter out = spec.commandLine().getOut();
    for (ComponentKind kind : ComponentKind.values()) {
      out.println(kind.section() + ":");
      if (registry.all(kind).isEmpty()) out.println("  (none)");
      for (Factory<?> f : registry.all(kind)) {
        String signals =
            f.signals().stream().sorted().map(Signal::id).collect(Collectors.joining(","));
        out.printf(
            "  %-14s %-12s %-22s %s%n", f.type(), f.stability().id(), signals, f.description());
      }
    }
    out.flush();
    return 0;
  }
}
