package io.stacklens.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ReplaceDefaults;
import org.junit.jupiter.api.Test;

class ReplaceDefaultsBindingTest {
  public static class Settings implements ComponentConfig {
    public String endpoint = "default";
  }

  public static class Sections implements ComponentConfig {
    public Settings a;
    public Settings b;
  }

  public static class Root implements ComponentConfig {
    @ReplaceDefaults public Sections sections = both();
    public Sections merged = both();

    static Sections both() {
      Sections s = new Sections();
      s.a = new Settings();
      s.b = new Settings();
      return s;
    }
  }

  private Root bind(String yaml) {
    ProblemCollector problems = new ProblemCollector();
    Root root = new Root();
    YamlNode.Mapping mapping =
        (YamlNode.Mapping) YamlReader.read(yaml, "test.yaml", 0, problems).orElseThrow();
    new ConfigBinder(problems).bindObject(root, mapping, "");
    assertThat(problems.sorted()).isEmpty();
    return root;
  }

  @Test
  void writingAReplaceDefaultsSectionStartsFromAFreshInstance() {
    Root r = bind("sections: { a: { endpoint: x } }\nmerged: { a: { endpoint: y } }\n");
    assertThat(r.sections.a.endpoint).isEqualTo("x");
    assertThat(r.sections.b).isNull();
    assertThat(r.merged.a.endpoint).isEqualTo("y");
    assertThat(r.merged.b).isNotNull();
  }

  @Test
  void anEmptyNestedKeyTurnsTheSectionOnWithDefaults() {
    Root r = bind("sections:\n  b:\n");
    assertThat(r.sections.a).isNull();
    assertThat(r.sections.b.endpoint).isEqualTo("default");
  }

  @Test
  void withoutTheSectionTheDefaultsStay() {
    Root r = bind("merged: {}\n");
    assertThat(r.sections.a).isNotNull();
    assertThat(r.sections.b).isNotNull();
  }
}
