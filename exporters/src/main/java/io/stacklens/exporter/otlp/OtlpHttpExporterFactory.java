package io.stacklens.exporter.otlp;

import io.stacklens.agent.api.DeclaredExporterFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import java.util.EnumSet;

/** Factory of the {@code otlphttp} exporter: logs, traces and metrics over OTLP/HTTP. */
public final class OtlpHttpExporterFactory extends DeclaredExporterFactory<OtlpHttpExporterConfig> {
  public static final String TYPE = "otlphttp";

  public OtlpHttpExporterFactory() {
    super(
        TYPE,
        Stability.ALPHA,
        EnumSet.allOf(Signal.class),
        "Sends logs, traces and metrics over OTLP/HTTP (protobuf or JSON) to a Collector, a gateway or another agent",
        OtlpHttpExporterConfig::new,
        OtlpHttpExporter::new);
  }
}
