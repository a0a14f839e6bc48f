package io.stacklens.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Factory;
import io.stacklens.agent.config.TestFactories.OtlpConfig;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.testing.StubFactories;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ComponentRegistryTest {

  @Test
  void findsFactoriesByKindAndType() {
    ComponentRegistry registry = TestFactories.registry();

    assertThat(registry.find(ComponentKind.RECEIVER, "otlp"))
        .get()
        .extracting(Factory::type)
        .isEqualTo("otlp");
    assertThat(registry.find(ComponentKind.EXPORTER, "otlp")).isEmpty();
    assertThat(registry.find(ComponentKind.RECEIVER, "nope")).isEmpty();
  }

  @Test
  void listsFactoriesOfAKindSortedByType() {
    ComponentRegistry registry = TestFactories.registry();

    assertThat(registry.all(ComponentKind.RECEIVER))
        .extracting(Factory::type)
        .containsExactly("filelog", "otlp");
    assertThat(registry.all(ComponentKind.EXPORTER))
        .extracting(Factory::type)
        .containsExactly("debug", "file");
    assertThat(registry.types(ComponentKind.PROCESSOR)).containsExactly("sink");
  }

  /** A second factory class claiming the otlp receiver type. */
  static final class OtherOtlpFactory extends TestFactories.TestReceiverFactoryBase {
    OtherOtlpFactory() {
      super("otlp");
    }
  }

  @Test
  void duplicateKindAndTypeFailsNamingBothClasses() {
    Factory<?> first =
        StubFactories.configOnlyReceiver("otlp", OtlpConfig::new, EnumSet.of(Signal.LOGS));

    assertThatThrownBy(() -> ComponentRegistry.of(first, new OtherOtlpFactory()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "two factories for receiver type 'otlp': "
                + first.getClass().getName()
                + " and "
                + OtherOtlpFactory.class.getName());
  }

  @Test
  void sameTypeForDifferentKindsIsAllowed() {
    ComponentRegistry registry =
        ComponentRegistry.of(
            StubFactories.configOnlyReceiver("kafka", OtlpConfig::new, EnumSet.of(Signal.LOGS)),
            StubFactories.configOnlyExporter(
                "kafka", TestFactories.DebugConfig::new, EnumSet.of(Signal.LOGS)));

    assertThat(registry.find(ComponentKind.RECEIVER, "kafka")).isPresent();
    assertThat(registry.find(ComponentKind.EXPORTER, "kafka")).isPresent();
  }

  @Test
  void loadUsesTheServiceLoaderOfTheClassLoader() {
    // The agent module itself registers no factories; components come from other modules' jars.
    ComponentRegistry registry = ComponentRegistry.load(getClass().getClassLoader());

    for (ComponentKind kind : ComponentKind.values()) {
      assertThat(registry.all(kind)).isEmpty();
    }
  }
}
