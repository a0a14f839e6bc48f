package io.stacklens.agent.config;

import static io.stacklens.agent.config.Loads.load;
import static io.stacklens.agent.config.Loads.printed;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code service.pipelines.<id>.delivery}: its names, and what each mode needs of the exporters.
 */
class DeliveryConfigTest {
  private static String config(String delivery, String storage) {
    return """
        receivers:
          otlp:
        exporters:
          file:
            path: /tmp/out.jsonl
            sending_queue: { storage: %s }
        service:
          pipelines:
            logs:
              receivers: [otlp]
              exporters: [file]
              delivery: %s
        """
        .formatted(storage, delivery);
  }

  private static Delivery loaded(String yaml) {
    LoadResult result = load(yaml);
    assertThat(printed(result)).isEmpty();
    return result.config().orElseThrow().service().pipelines().values().iterator().next().delivery;
  }

  @Test
  void everyModeLoadsByItsYamlName() {
    assertThat(loaded(config("memory", "memory"))).isEqualTo(Delivery.MEMORY);
    assertThat(loaded(config("durable", "disk"))).isEqualTo(Delivery.DURABLE);
    assertThat(loaded(config("end_to_end", "memory"))).isEqualTo(Delivery.END_TO_END);
    assertThat(loaded(config("end_to_end", "disk"))).isEqualTo(Delivery.END_TO_END);
  }

  @Test
  void durableWithAnExporterQueueInMemoryIsAnErrorAtTheDeliveryLine() {
    assertThat(printed(load(config("durable", "memory"))))
        .containsExactly(
            "agent.yaml:12:7: service.pipelines.logs.delivery: delivery: durable needs every"
                + " exporter's queue on disk, but exporter 'file' keeps it in memory; set"
                + " exporters.file.sending_queue.storage: disk, or use delivery: memory or"
                + " end_to_end");
  }

  @Test
  void anUnknownModeIsAnErrorThatNamesTheModes() {
    assertThat(printed(load(config("end-to-end", "memory"))))
        .singleElement()
        .asString()
        .startsWith("agent.yaml:12:17: service.pipelines.logs.delivery: ")
        .contains("end_to_end");
  }
}
