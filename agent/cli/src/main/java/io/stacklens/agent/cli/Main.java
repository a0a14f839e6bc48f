package io.stacklens.agent.cli;

import io.stacklens.agent.cli.loadgen.LoadgenCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code stacklens-agent}. */
@Command(
    name = "stacklens-agent",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "StackLens Agent: an OpenTelemetry Collector-style telemetry agent (OTLP in, pipelines, exporters out).",
    subcommands = {
      RunCommand.class,
      ValidateCommand.class,
      ComponentsCommand.class,
      PrintConfigCommand.class,
      VersionCommand.class,
      LoadgenCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns the exit code (for tests). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr()
              .println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
          return 1;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"stacklens-agent " + AgentVersion.get()};
    }
  }
}
