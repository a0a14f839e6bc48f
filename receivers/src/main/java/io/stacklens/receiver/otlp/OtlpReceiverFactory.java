package io.stacklens.receiver.otlp;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.Receiver;
import io.stacklens.agent.api.ReceiverFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Factory of the {@code otlp} receiver: OTLP logs, traces and metrics over gRPC and HTTP. */
public final class OtlpReceiverFactory implements ReceiverFactory<OtlpReceiverConfig> {
  public static final String TYPE = "otlp";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<OtlpReceiverConfig> configClass() {
    return OtlpReceiverConfig.class;
  }

  @Override
  public OtlpReceiverConfig createDefaultConfig() {
    return new OtlpReceiverConfig();
  }

  @Override
  public Stability stability() {
    return Stability.BETA;
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public String description() {
    return "OTLP over gRPC (4317) and HTTP (4318): logs, traces, metrics";
  }

  @Override
  public Receiver createReceiver(ComponentContext context, OtlpReceiverConfig config, Map<Signal, Consumer> consumers) {
    return new OtlpReceiver(context, config, consumers);
  }
}
