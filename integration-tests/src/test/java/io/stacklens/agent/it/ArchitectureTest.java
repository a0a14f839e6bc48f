package io.stacklens.agent.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of the whole code base, checked on the compiled classes of every module (main
 * code only): no package cycles; the component API does not reach into the runtime; components see
 * only the API. See docs/architecture.md, "Modules and packages".
 */
class ArchitectureTest {
  /**
   * The runtime, config loading, exporter helper, admin endpoint and commands: not for components.
   */
  private static final String[] CORE = {
    "io.stacklens.agent.runtime..",
    "io.stacklens.agent.config..",
    "io.stacklens.agent.exporterhelper..",
    "io.stacklens.agent.admin..",
    "io.stacklens.agent.cli..",
  };

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.stacklens");
  }

  @Test
  void theImportCoversEveryModule() {
    // A rule over an empty or partial import would pass for nothing.
    for (String pkg :
        new String[] {
          "io.stacklens.agent.api",
          "io.stacklens.agent.runtime",
          "io.stacklens.receiver.otlp",
          "io.stacklens.processor.transform",
          "io.stacklens.exporter.file"
        }) {
      org.assertj.core.api.Assertions.assertThat(classes.containPackage(pkg)).as(pkg).isTrue();
    }
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.stacklens.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void theComponentApiDoesNotDependOnTheRuntime() {
    noClasses()
        .that()
        .resideOutsideOfPackages(CORE)
        .and()
        .resideInAPackage("io.stacklens.agent..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(CORE)
        .check(classes);
  }

  @Test
  void componentsUseOnlyTheComponentApi() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.stacklens.receiver..", "io.stacklens.processor..", "io.stacklens.exporter..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(CORE)
        .check(classes);
  }
}
