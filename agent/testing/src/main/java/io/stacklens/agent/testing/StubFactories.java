package io.stacklens.agent.testing;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.DeclaredExporterFactory;
import io.stacklens.agent.api.DeclaredProcessorFactory;
import io.stacklens.agent.api.DeclaredReceiverFactory;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.ExporterFactory;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.api.ProcessorFactory;
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
 * Stand-in receiver, processor and exporter factories for tests that load or run a config around
 * the component under test (a processor module has no receivers or exporters of its own), declared
 * like real ones ({@link DeclaredReceiverFactory} and its siblings). Stability development; every
 * signal unless a test names them.
 */
public final class StubFactories {
  private static final String DESCRIPTION = "Test stand-in";

  private StubFactories() {}

  /** The settings of a stub receiver: none. */
  public static final class ReceiverSettings implements ComponentConfig {}

  /** A receiver type whose receivers do nothing. */
  public static ReceiverFactory<ReceiverSettings> receiver(String type) {
    return receiver(type, (context, consumers) -> {});
  }

  /**
   * A receiver type that hands each receiver's consumers to {@code onCreate}, so a test can feed
   * the pipelines.
   */
  public static ReceiverFactory<ReceiverSettings> receiver(
      String type, BiConsumer<ComponentContext, Map<Signal, Consumer>> onCreate) {
    return new DeclaredReceiverFactory<>(
        type,
        Stability.DEVELOPMENT,
        EnumSet.allOf(Signal.class),
        DESCRIPTION,
        ReceiverSettings::new,
        (context, config, consumers) -> {
          onCreate.accept(context, consumers);
          return new Receiver() {
            @Override
            public void start(Host host) {}

            @Override
            public void shutdown(Instant deadline) {}
          };
        }) {};
  }

  /**
   * A receiver type for config loading only, with the given config class and signals: building one
   * fails the test.
   */
  public static <C extends ComponentConfig> ReceiverFactory<C> configOnlyReceiver(
      String type, Supplier<C> defaults, Set<Signal> signals) {
    return new DeclaredReceiverFactory<>(
        type,
        Stability.DEVELOPMENT,
        signals,
        DESCRIPTION,
        defaults,
        (context, config, consumers) -> {
          throw new UnsupportedOperationException("config tests build no receivers");
        }) {};
  }

  /** A processor type for config loading only: building one fails the test. */
  public static <C extends ComponentConfig> ProcessorFactory<C> configOnlyProcessor(
      String type, Supplier<C> defaults, Set<Signal> signals) {
    return new DeclaredProcessorFactory<>(
        type,
        Stability.DEVELOPMENT,
        signals,
        DESCRIPTION,
        defaults,
        (context, config, signal) -> {
          throw new UnsupportedOperationException("config tests build no processors");
        }) {};
  }

  /** An exporter type for config loading only: building an exporter fails the test. */
  public static ExporterFactory<ExporterConfig> exporter(String type) {
    return configOnlyExporter(type, ExporterConfig::new, EnumSet.allOf(Signal.class));
  }

  /** An exporter type for config loading only, with the given config class and signals. */
  public static <C extends ExporterConfig> ExporterFactory<C> configOnlyExporter(
      String type, Supplier<C> defaults, Set<Signal> signals) {
    return new DeclaredExporterFactory<>(
        type,
        Stability.DEVELOPMENT,
        signals,
        DESCRIPTION,
        defaults,
        (context, config) -> {
          throw new UnsupportedOperationException("config tests build no exporters");
        }) {};
  }

  /**
   * An exporter type whose exporters {@code create} builds, with the defaults {@code defaults}
   * gives.
   */
  public static <C extends ExporterConfig> ExporterFactory<C> exporter(
      String type,
      Class<C> configClass,
      Supplier<C> defaults,
      Function<ComponentContext, Exporter> create) {
    ExporterFactory<C> factory =
        new DeclaredExporterFactory<>(
            type,
            Stability.DEVELOPMENT,
            EnumSet.allOf(Signal.class),
            DESCRIPTION,
            defaults,
            (context, config) -> create.apply(context)) {};
    if (!factory.configClass().equals(configClass)) {
      throw new IllegalArgumentException(
          type
              + ": defaults make a "
              + factory.configClass().getName()
              + ", not the "
              + configClass.getName()
              + " named");
    }
    return factory;
  }
}
