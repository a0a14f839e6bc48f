package io.stacklens.agent.testing;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.ExporterFactory;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.api.Receiver;
import io.stacklens.agent.api.ReceiverFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Stand-in receiver and exporter factories for tests that load or run a config around the component
 * under test (a processor module has no receivers or exporters of its own). Every signal; stability
 * development.
 */
public final class StubFactories {
  private StubFactories() {}

  /** The settings of a stub receiver: none. */
  public static final class ReceiverSettings implements ComponentConfig {}

  /** A receiver type whose receivers do nothing. */
  public static ReceiverFactory<ReceiverSettings> receiver(String type) {
    return receiver(type, (context, consumers) -> {});
  }

  /** A receiver type that hands each receiver's consumers to {@code onCreate}, so a test can feed the pipelines. */
  public static ReceiverFactory<ReceiverSettings> receiver(
      String type, BiConsumer<ComponentContext, Map<Signal, Consumer>> onCreate) {
    return new ReceiverFactory<>() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public Class<ReceiverSettings> configClass() {
        return ReceiverSettings.class;
      }

      @Override
      public ReceiverSettings createDefaultConfig() {
        return new ReceiverSettings();
      }

      @Override
      public Stability stability() {
        return Stability.DEVELOPMENT;
      }

      @Override
      public Set<Signal> signals() {
        return EnumSet.allOf(Signal.class);
      }

      @Override
      public Receiver createReceiver(ComponentContext context, ReceiverSettings config, Map<Signal, Consumer> consumers) {
        onCreate.accept(context, consumers);
        return new Receiver() {
          @Override
          public void start(Host host) {}

          @Override
          public void shutdown(Instant deadline) {}
        };
      }
    };
  }

  /** An exporter type for config loading only: building an exporter fails the test. */
  public static ExporterFactory<ExporterConfig> exporter(String type) {
    return exporter(type, ExporterConfig.class, ExporterConfig::new, context -> {
      throw new UnsupportedOperationException("config tests build no exporters");
    });
  }

  /** An exporter type whose exporters {@code create} builds, with the defaults {@code defaults} gives. */
  public static <C extends ExporterConfig> ExporterFactory<C> exporter(
      String type, Class<C> configClass, Supplier<C> defaults, Function<ComponentContext, Exporter> create) {
    return new ExporterFactory<>() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public Class<C> configClass() {
        return configClass;
      }

      @Override
      public C createDefaultConfig() {
        return defaults.get();
      }

      @Override
      public Stability stability() {
        return Stability.DEVELOPMENT;
      }

      @Override
      public Set<Signal> signals() {
        return EnumSet.allOf(Signal.class);
      }

      @Override
      public Exporter createExporter(ComponentContext context, C config) {
        return create.apply(context);
      }
    };
  }
}
