package io.stacklens.receiver.otlp;

import io.stacklens.agent.api.DeclaredReceiverFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import java.util.EnumSet;

/** Factory of the {@code otlp} receiver: OTLP logs, traces and metrics over gRPC and HTTP. */
public final class OtlpReceiverFactory extends DeclaredReceiverFactory<OtlpReceiverConfig> {
  public static final String TYPE = "otlp";

  public OtlpReceiverFactory() {
    super(
        TYPE,
        Stability.BETA,
        EnumSet.allOf(Signal.class),
        "OTLP over gRPC (4317) and HTTP (4318): logs, traces, metrics",
        OtlpReceiverConfig::new,
        OtlpReceiver::new);
  }
}
