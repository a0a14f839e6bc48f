package io.stacklens.exporter.otlp;

import io.stacklens.agent.api.DeclaredExporterFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import java.util.EnumSet;

/** Factory of the {@code otlp} exporter: logs, traces and metrics over OTLP/gRPC. */
public final class OtlpGrpcExporterFactory extends DeclaredExporterFactory<OtlpGrpcExporterConfig> {
  public static final String TYPE = "otlp";

  public OtlpGrpcExporterFactory() {
    super(
        TYPE,
        Stability.ALPHA,
        EnumSet.allOf(Signal.class),
        "Sends logs, traces and metrics over OTLP/gRPC to a Collector, a gateway or another agent",
        OtlpGrpcExporterConfig::new,
        OtlpGrpcExporter::new);
  }
}
