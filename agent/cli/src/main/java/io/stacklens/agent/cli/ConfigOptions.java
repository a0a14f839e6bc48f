package io.stacklens.agent.cli;

import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.config.Severity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --config} and {@code --set}, shared by run, validate and print-config. */
final class ConfigOptions {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "Config file (YAML). Repeat to merge several: later files override earlier ones.")
  List<Path> files = new ArrayList<>();

  @Option(
      names = "--set",
      paramLabel = "PATH=VALUE",
      description =
          "Override one value, e.g. --set exporters.file.path=/tmp/out.jsonl (repeatable).")
  List<String> sets = new ArrayList<>();

  /** Loads the files, or the embedded default when none was given. */
  LoadResult load(ComponentRegistry registry) {
    ConfigLoader loader = new ConfigLoader(registry, System.getenv());
    return files.isEmpty() ? loader.loadEmbeddedDefault(sets) : loader.load(files, sets);
  }

  /** Prints every problem (errors and warnings) and a summary line when there are errors. */
  static void report(LoadResult result, PrintWriter err) {
    long errors = result.problems().stream().filter(p -> p.severity() == Severity.ERROR).count();
    long warnings = result.problems().size() - errors;
    for (ConfigProblem p : result.problems()) err.println(p);
    if (errors > 0) {
      err.println(
          "configuration is invalid: "
              + errors
              + (errors == 1 ? " error" : " errors")
              + (warnings > 0 ? ", " + warnings + (warnings == 1 ? " warning" : " warnings") : ""));
    }
    err.flush();
  }
}
