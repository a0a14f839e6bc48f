package io.stacklens.agent.config;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ConfigKey;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.Receiver;
import io.stacklens.agent.api.ReceiverFactory;
import io.stacklens.agent.api.Secret;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.testing.StubFactories;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Factories and config classes standing in for real components (which live in other modules), so
 * the loader is tested against every binding rule without depending on them.
 */
final class TestFactories {
  private TestFactories() {}

  /**
   * Receivers {@code otlp} (all signals) and {@code filelog} (logs only), exporters {@code file}
   * and {@code debug}, processor {@code sink}.
   */
  static ComponentRegistry registry() {
    return ComponentRegistry.of(
        StubFactories.configOnlyReceiver("otlp", OtlpConfig::new, EnumSet.allOf(Signal.class)),
        StubFactories.configOnlyReceiver("filelog", FilelogConfig::new, EnumSet.of(Signal.LOGS)),
        StubFactories.configOnlyExporter("file", FileConfig::new, EnumSet.allOf(Signal.class)),
        StubFactories.configOnlyExporter("debug", DebugConfig::new, EnumSet.allOf(Signal.class)),
        StubFactories.configOnlyProcessor("sink", SinkConfig::new, EnumSet.allOf(Signal.class)));
  }

  /** A receiver factory as its own class (for messages that name factory classes). */
  abstract static class TestReceiverFactoryBase implements ReceiverFactory<OtlpConfig> {
    private final String type;

    TestReceiverFactoryBase(String type) {
      this.type = type;
    }

    @Override
    public String type() {
      return type;
    }

    @Override
    public Class<OtlpConfig> configClass() {
      return OtlpConfig.class;
    }

    @Override
    public OtlpConfig createDefaultConfig() {
      return new OtlpConfig();
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
    public Receiver createReceiver(
        ComponentContext context, OtlpConfig config, Map<Signal, Consumer> consumers) {
      throw new UnsupportedOperationException("config tests build no components");
    }
  }

  /** Shaped like the real OTLP receiver's config. */
  static final class OtlpConfig implements ComponentConfig {
    public Protocols protocols = new Protocols();

    static final class Protocols {
      public Endpoint grpc = new Endpoint("127.0.0.1:4317");
      public Endpoint http = new Endpoint("127.0.0.1:4318");
    }

    static final class Endpoint implements ComponentConfig {
      public String endpoint;

      Endpoint() {
        this("");
      }

      Endpoint(String endpoint) {
        this.endpoint = endpoint;
      }

      @Override
      public void validate(ConfigProblems problems) {
        if (!endpoint.contains(":")) {
          problems.error("endpoint", "expected host:port, got '" + endpoint + "'");
        }
      }
    }
  }

  static final class FilelogConfig implements ComponentConfig {
    public List<String> include = List.of();
  }

  enum FileFormat {
    JSON_LINES,
    OTLP_JSON
  }

  /** Shaped like the real file exporter's config: inherits the exporter helper settings. */
  static final class FileConfig extends ExporterConfig {
    public String path = "";
    public FileFormat format = FileFormat.JSON_LINES;
    public int maxMegabytes = 100;
    @Secret public String credentials;
    public String apiKey;
    public Map<String, String> headers = Map.of();

    @Override
    public void validate(ConfigProblems problems) {
      super.validate(problems);
      if (path.isEmpty()) {
        problems.error("path", "must not be empty");
      }
      if (maxMegabytes > 1000) {
        problems.warning("max_megabytes", "more than 1000 MB per file is hard to handle");
      }
    }
  }

  static final class DebugConfig extends ExporterConfig {
    public String verbosity = "basic";
  }

  enum Mode {
    FAST,
    SAFE_AND_SLOW
  }

  /** A base class, to show that inherited fields bind. */
  static class SinkBase implements ComponentConfig {
    public String inherited = "base";
  }

  /** One field of every supported type. */
  static final class SinkConfig extends SinkBase {
    public String text = "default";
    public boolean flag;
    public Boolean boxedFlag;
    public int count = 1;
    public Integer boxedCount;
    public long bigCount;
    public Long boxedBigCount;
    public double ratio;
    public Double boxedRatio;
    public Duration interval = Duration.ofSeconds(1);
    public ByteSize limit = ByteSize.ofMebibytes(1);
    public Mode mode = Mode.FAST;
    public List<String> tags = List.of();
    public List<Duration> delays = List.of();
    public Map<String, Integer> weights = Map.of();
    public Target target = new Target();
    public List<Target> targets = List.of();
    public Map<String, Target> named = Map.of();
    public Map<String, Object> extra = Map.of();

    @ConfigKey("tls_ca")
    public String certificateAuthorityFile;

    static final class Target implements ComponentConfig {
      public String host = "localhost";
      public int port = 80;

      @Override
      public void validate(ConfigProblems problems) {
        if (port < 1 || port > 65535) {
          problems.error("port", "must be between 1 and 65535, got " + port);
        }
      }
    }
  }
}
